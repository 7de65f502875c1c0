package io.voxcpm.text;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LogSafeTest {

    @Test
    void ordinaryTextIsReturnedAsItIs() {
        String callId = "a84b4c76e66710@pc33.atlanta.example.com";
        assertThat(LogSafe.clean(callId)).isSameAs(callId);
        assertThat(LogSafe.clean("Grüße, 你好")).isEqualTo("Grüße, 你好");
        assertThat(LogSafe.clean(null)).isEqualTo("null");
    }

    @Test
    void aForgedLogLineStaysOnOneLine() {
        String forged = "x\r\n07:00:00.000 INFO  [main] session closed (bye)";
        assertThat(LogSafe.clean(forged)).doesNotContain("\r", "\n")
                .isEqualTo("x\\u000d\\u000a07:00:00.000 INFO  [main] session closed (bye)");
    }

    @Test
    void terminalEscapesDelC1AndBidiOverridesAreEscaped() {
        assertThat(LogSafe.clean("\u001b[31mred\u007f\u0085\u202eevil\u2028\u0000"))
                .isEqualTo("\\u001b[31mred\\u007f\\u0085\\u202eevil\\u2028\\u0000");
    }

    @Test
    void longInputIsCut() {
        String cleaned = LogSafe.clean("a".repeat(100_000));
        assertThat(cleaned).startsWith("a".repeat(LogSafe.MAX_CHARS)).endsWith("...(100000 chars)")
                .hasSizeLessThan(LogSafe.MAX_CHARS + 30);
    }

    @Test
    void quotableLeavesNoQuoteOrBackslash() {
        assertThat(LogSafe.quotable("c=\"evil\\\"\r\n")).isEqualTo("c='evil/'/u000d/u000a");
    }
}
