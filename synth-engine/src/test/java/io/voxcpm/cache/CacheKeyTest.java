package io.voxcpm.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class CacheKeyTest {

    private static CacheKey.Builder base() {
        return CacheKey.builder()
                .text("Welcome to Acme. Press one for sales.")
                .language("en-US")
                .voice("acme-brand", "3")
                .mode("voice")
                .description("a warm baritone")
                .gender("male")
                .age(40)
                .parameter("cfg_value", "2.0")
                .parameter("inference_timesteps", "10")
                .engine("voxcpm2", "2.0.3")
                .output(48000, CacheKey.PCM_S16LE);
    }

    @Test
    void digestIsStableAndHex() {
        String d = base().build().digest();
        assertThat(d).matches("[0-9a-f]{64}").isEqualTo(base().build().digest());
    }

    @Test
    void whiteSpaceAndUnicodeFormDoNotChangeTheKey() {
        String d = base().build().digest();
        assertThat(base().text("  Welcome to Acme.\n\tPress one\u00a0for  sales. ").build().digest()).isEqualTo(d);
        // "é" precomposed vs e + combining acute
        assertThat(base().text("Caf\u00e9").build().digest()).isEqualTo(base().text("Cafe\u0301").build().digest());
        assertThat(base().language("en-us").build().digest()).isEqualTo(base().language("en_US").build().digest());
    }

    @Test
    void parameterOrderDoesNotMatter() {
        Map<String, String> a = new LinkedHashMap<>();
        a.put("x", "1");
        a.put("y", "2");
        Map<String, String> b = new LinkedHashMap<>();
        b.put("y", "2");
        b.put("x", "1");
        assertThat(base().parameters(a).build().digest()).isEqualTo(base().parameters(b).build().digest());
    }

    @Test
    void everyPartChangesTheDigest() {
        List<UnaryOperator<CacheKey.Builder>> changes = List.of(
                b -> b.text("Welcome to ACME. Press one for sales."), // case is kept
                b -> b.text("Welcome to Acme. Press two for sales."),
                b -> b.language("en-GB"),
                b -> b.language(null),
                b -> b.voice("acme-brand", "4"),
                b -> b.voice("other", "3"),
                b -> b.mode("design"),
                b -> b.description("a bright tenor"),
                b -> b.gender("female"),
                b -> b.age(41),
                b -> b.parameter("cfg_value", "2.5"),
                b -> b.parameter("seed", "7"),
                b -> b.engine("voxcpm2", "2.0.4"),
                b -> b.engine("embedded-marytts", "2.0.3"),
                b -> b.output(8000, CacheKey.PCM_S16LE),
                b -> b.output(48000, "pcmu"));
        String d = base().build().digest();
        for (UnaryOperator<CacheKey.Builder> change : changes) {
            assertThat(change.apply(base()).build().digest()).as(change.apply(base()).build().toString()).isNotEqualTo(d);
        }
    }

    @Test
    void fieldsCannotBleedIntoEachOther() {
        // without length prefixes these two would encode the same bytes
        CacheKey a = base().voice("ab", "c").build();
        CacheKey b = base().voice("a", "bc").build();
        assertThat(a.digest()).isNotEqualTo(b.digest());
    }
}
