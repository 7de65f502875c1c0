package io.voxcpm.mrcp.synth;

import static org.assertj.core.api.Assertions.assertThat;

import io.voxcpm.mrcp.message.CompletionCause;
import io.voxcpm.mrcp.synth.SynthStateMachine.Action;
import io.voxcpm.mrcp.synth.SynthStateMachine.Complete;
import io.voxcpm.mrcp.synth.SynthStateMachine.Drop;
import io.voxcpm.mrcp.synth.SynthStateMachine.Halt;
import io.voxcpm.mrcp.synth.SynthStateMachine.Pause;
import io.voxcpm.mrcp.synth.SynthStateMachine.Respond;
import io.voxcpm.mrcp.synth.SynthStateMachine.Resume;
import io.voxcpm.mrcp.synth.SynthStateMachine.Start;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every transition of the synthesizer's state machine as a row: the events that lead to a state, one more
 * event, the actions it returns (in order) and the state it leaves. No threads, clocks or sockets.
 *
 * <p>Events: {@code speak N} (a SPEAK with request id N; {@code speak N nokill} has Kill-On-Barge-In false),
 * {@code stop} / {@code stop 2,3} (with an Active-Request-Id-List), {@code barge}, {@code pause},
 * {@code resume}, {@code played N}, {@code failed N}, {@code refused N} (its plan failed), {@code lost N,M} (their connection closed), {@code close}.
 * Actions: the response as {@code status STATE [ids] cause}, and {@code start N}, {@code start N queued},
 * {@code halt N why} ({@code halt N} when a completion follows), {@code drop N why} (a queued one leaves),
 * {@code pause N}, {@code resume N}, {@code complete N cause}.
 */
class SynthStateMachineTest {

    private static final int MAX_PENDING = 2;

    static Stream<Arguments> transitions() {
        return Stream.of(
                // SPEAK
                row("", "speak 1", "200 IN-PROGRESS; start 1", "SPEAKING 1 []"),
                row("speak 1", "speak 2", "200 PENDING", "SPEAKING 1 [2]"),
                row("speak 1; pause", "speak 2", "200 PENDING", "PAUSED 1 [2]"),
                row("speak 1; speak 2; speak 3", "speak 4", "407 COMPLETE 004", "SPEAKING 1 [2, 3]"),
                // STOP
                row("", "stop", "200 COMPLETE", "IDLE - []"),
                row("speak 1", "stop", "halt 1 stopped; 200 COMPLETE [1]", "IDLE - []"),
                row("speak 1; speak 2; speak 3", "stop",
                        "halt 1 stopped; drop 2 stopped; drop 3 stopped; 200 COMPLETE [1, 2, 3]", "IDLE - []"),
                row("speak 1; speak 2; speak 3", "stop 2", "drop 2 stopped; 200 COMPLETE [2]", "SPEAKING 1 [3]"),
                row("speak 1; speak 2; speak 3", "stop 1", "halt 1 stopped; start 2 queued; 200 COMPLETE [1]",
                        "SPEAKING 2 [3]"),
                row("speak 1; speak 2", "stop 9", "200 COMPLETE", "SPEAKING 1 [2]"),
                row("speak 1; speak 2; pause", "stop 1", "halt 1 stopped; start 2 queued; 200 COMPLETE [1]",
                        "SPEAKING 2 []"),
                // BARGE-IN-OCCURRED
                row("", "barge", "200 COMPLETE", "IDLE - []"),
                row("speak 1; speak 2", "barge", "halt 1 barged_in; drop 2 barged_in; 200 COMPLETE [1, 2]",
                        "IDLE - []"),
                row("speak 1 nokill; speak 2", "barge", "200 COMPLETE", "SPEAKING 1 [2]"),
                row("speak 1 nokill; speak 2; stop 1", "barge", "halt 2 barged_in; 200 COMPLETE [2]", "IDLE - []"),
                // PAUSE and RESUME
                row("", "pause", "402 COMPLETE", "IDLE - []"),
                row("", "resume", "402 COMPLETE", "IDLE - []"),
                row("speak 1", "pause", "pause 1; 200 COMPLETE [1]", "PAUSED 1 []"),
                row("speak 1; pause", "pause", "200 COMPLETE [1]", "PAUSED 1 []"),
                row("speak 1", "resume", "200 COMPLETE [1]", "SPEAKING 1 []"),
                row("speak 1; pause", "resume", "resume 1; 200 COMPLETE [1]", "SPEAKING 1 []"),
                // the end of a SPEAK
                row("speak 1", "played 1", "complete 1 000", "IDLE - []"),
                row("speak 1; speak 2", "played 1", "complete 1 000; start 2 queued", "SPEAKING 2 []"),
                row("speak 1; speak 2", "played 2", "", "SPEAKING 1 [2]"),
                row("speak 1; stop", "played 1", "", "IDLE - []"),
                row("speak 1; pause; speak 2", "played 1", "complete 1 000; start 2 queued", "SPEAKING 2 []"),
                row("speak 1; speak 2; speak 3", "failed 1",
                        "halt 1; complete 1 004; complete 2 007; complete 3 007", "IDLE - []"),
                row("speak 1; speak 2", "failed 2", "", "SPEAKING 1 [2]"),
                // a SPEAK whose plan failed after it was answered: it alone ends, the queue goes on
                row("speak 1; speak 2; speak 3", "refused 1", "halt 1; complete 1 002; start 2 queued",
                        "SPEAKING 2 [3]"),
                row("speak 1; speak 2; speak 3", "refused 2", "complete 2 002", "SPEAKING 1 [3]"),
                row("speak 1; stop", "refused 1", "", "IDLE - []"),
                // the client is gone
                row("speak 1; speak 2; speak 3", "lost 2", "drop 2 connection_lost", "SPEAKING 1 [3]"),
                row("speak 1; speak 2; speak 3", "lost 1,2",
                        "halt 1 connection_lost; drop 2 connection_lost; start 3 queued", "SPEAKING 3 []"),
                row("speak 1; speak 2", "close", "halt 1 session_ended; drop 2 session_ended", "IDLE - []"),
                row("", "close", "", "IDLE - []"));
    }

    @ParameterizedTest(name = "{0} | {1} -> {2} | {3}")
    @MethodSource("transitions")
    void transition(String given, String event, String actions, String after) {
        Machine m = new Machine();
        for (String step : given.isEmpty() ? new String[0] : given.split("; ")) {
            m.apply(step);
        }
        assertThat(m.apply(event)).isEqualTo(actions);
        assertThat(m.describe()).isEqualTo(after);
    }

    private static Arguments row(String given, String event, String actions, String after) {
        return Arguments.of(given, event, actions, after);
    }

    /** The SPEAK of the tests: a request id and Kill-On-Barge-In. */
    private record TestSpeak(long requestId, boolean killOnBargeIn) implements SynthStateMachine.Job { }

    /** A state machine driven by the event language of this test, its actions written as text. */
    private static final class Machine {
        final SynthStateMachine<TestSpeak> machine = new SynthStateMachine<>(MAX_PENDING);
        final Map<Long, TestSpeak> byId = new HashMap<>();

        String apply(String event) {
            String[] word = event.split(" ");
            List<Action<TestSpeak>> actions = switch (word[0]) {
                case "speak" -> {
                    TestSpeak s = new TestSpeak(Long.parseLong(word[1]), word.length < 3 || !word[2].equals("nokill"));
                    byId.put(s.requestId(), s);
                    yield machine.speak(s);
                }
                case "stop" -> machine.stop(word.length > 1 ? ids(word[1]) : null);
                case "barge" -> machine.bargeIn();
                case "pause" -> machine.pause();
                case "resume" -> machine.resume();
                case "played" -> machine.playedOut(byId.get(Long.parseLong(word[1])));
                case "failed" -> machine.failed(byId.get(Long.parseLong(word[1])), CompletionCause.ERROR, "engine");
                case "refused" -> machine.refused(byId.get(Long.parseLong(word[1])), CompletionCause.PARSE_FAILURE,
                        "SSML");
                case "lost" -> {
                    Set<Long> lost = ids(word[1]);
                    yield machine.forget(s -> lost.contains(s.requestId()));
                }
                case "close" -> machine.close();
                default -> throw new IllegalArgumentException(event);
            };
            return actions.stream().map(Machine::text).collect(Collectors.joining("; "));
        }

        String describe() {
            return machine.state() + " " + (machine.active() == null ? "-" : machine.active().requestId()) + " "
                    + machine.pendingIds();
        }

        private static Set<Long> ids(String list) {
            return Arrays.stream(list.split(",")).map(Long::parseLong).collect(Collectors.toCollection(HashSet::new));
        }

        private static String text(Action<TestSpeak> a) {
            if (a instanceof Respond<TestSpeak> r) {
                return r.status() + " " + r.state().wireName()
                        + (r.requestIds() == null || r.requestIds().isEmpty() ? "" : " " + r.requestIds())
                        + (r.cause() == null ? "" : " " + String.format("%03d", r.cause().code()));
            } else if (a instanceof Start<TestSpeak> s) {
                return "start " + s.speak().requestId() + (s.fromQueue() ? " queued" : "");
            } else if (a instanceof Halt<TestSpeak> h) {
                return "halt " + h.speak().requestId() + (h.why() == null ? "" : " " + h.why().label());
            } else if (a instanceof Drop<TestSpeak> d) {
                return "drop " + d.speak().requestId() + " " + d.why().label();
            } else if (a instanceof Pause<TestSpeak> p) {
                return "pause " + p.speak().requestId();
            } else if (a instanceof Resume<TestSpeak> r) {
                return "resume " + r.speak().requestId();
            } else if (a instanceof Complete<TestSpeak> c) {
                return "complete " + c.speak().requestId() + " " + String.format("%03d", c.cause().code());
            }
            throw new IllegalArgumentException(a.toString());
        }
    }
}
