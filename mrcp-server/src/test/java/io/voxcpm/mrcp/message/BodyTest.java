package io.voxcpm.mrcp.message;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class BodyTest {

    @Test
    void aBodyIsImmutableAndEqualByItsBytes() {
        byte[] bytes = "Grüße".getBytes(StandardCharsets.UTF_8);
        Body body = Body.of(bytes);
        bytes[0] = 'X';
        assertThat(body.text()).isEqualTo("Grüße");
        body.bytes()[0] = 'X';
        assertThat(body.text()).isEqualTo("Grüße");
        assertThat(body).isEqualTo(Body.text("Grüße")).hasSameHashCodeAs(Body.text("Grüße"));
        assertThat(body.length()).isEqualTo(7);
        assertThat(Body.of(null)).isSameAs(Body.EMPTY);
        assertThat(Body.text("")).isSameAs(Body.EMPTY);
    }

    @Test
    void messagesCompareTheirBodiesByValue() {
        MrcpHeaders h = MrcpHeaders.builder().add("Channel-Identifier", "a@speechsynth").build();
        MrcpRequest a = MrcpRequest.withText("SPEAK", 1, h, "hello");
        MrcpRequest b = new MrcpRequest("SPEAK", 1, h, Body.of("hello".getBytes(StandardCharsets.UTF_8)));
        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
        assertThat(a.content().text()).isEqualTo("hello");
        assertThat(a.content().length()).isEqualTo(5);
        assertThat(new MrcpEvent("SPEAK-COMPLETE", 1, RequestState.COMPLETE, h).content()).isSameAs(Body.EMPTY);
        assertThat(a.toString()).endsWith("body=5B]");
    }
}
