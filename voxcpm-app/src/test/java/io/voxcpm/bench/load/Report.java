package io.voxcpm.bench.load;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The figures of one run, from the wire: a table row for people and a JSON document for tools. */
final class Report {

    final Map<String, Object> json = new LinkedHashMap<>();
    private final Stats setup = new Stats();
    private final Stats speakToResponse = new Stats();
    private final Stats responseToRtp = new Stats();
    private final Stats speakToRtp = new Stats();
    private final Stats pacing = new Stats();
    private final Stats finalJ = new Stats();
    private final Stats maxLateness = new Stats();
    private final Stats jitter;
    private long late;
    private long lost;
    private long packets;
    private int lateStreams;
    private int inProgress;
    private int completes;
    private int streams;
    private int speaks;
    private int invites;
    private int established;

    Report(Map<String, Object> run, List<WireAnalysis.Call> calls, Stats jitter) {
        this.jitter = jitter;
        for (WireAnalysis.Call c : calls) {
            invites++;
            if (c.ok >= 0) {
                established++;
                setup.add(ms(c.ok - c.invite));
            }
            if (c.speak < 0) {
                continue;
            }
            speaks++;
            if (c.response >= 0) {
                speakToResponse.add(ms(c.response - c.speak));
                if (c.responseStatus == 200 && "IN-PROGRESS".equals(c.responseState)) {
                    inProgress++;
                    if (c.firstRtp >= 0) {
                        responseToRtp.add(ms(c.firstRtp - c.response));
                    }
                }
            }
            if (c.firstRtp >= 0) {
                speakToRtp.add(ms(c.firstRtp - c.speak));
            }
            if (c.complete >= 0) {
                completes++;
            }
            RtpStream.Result s = c.stream;
            if (s != null && s.received() > 0) {
                streams++;
                packets += s.received();
                late += s.late();
                lost += s.lost();
                lateStreams += s.late() > 0 ? 1 : 0;
                maxLateness.add(s.maxLatenessMs());
                finalJ.add(s.finalJitterMs());
                if (!Double.isNaN(s.pacing())) {
                    pacing.add(s.pacing());
                }
            }
        }
        json.put("run", run);
        Map<String, Object> counts = new LinkedHashMap<>();
        counts.put("invites", invites);
        counts.put("established", established);
        counts.put("speaks", speaks);
        counts.put("in_progress", inProgress);
        counts.put("speak_complete", completes);
        counts.put("rtp_streams", streams);
        counts.put("rtp_packets", packets);
        json.put("counts", counts);
        json.put("setup_invite_to_200_ms", dist(setup));
        json.put("speak_to_in_progress_ms", dist(speakToResponse));
        json.put("in_progress_to_first_rtp_ms", dist(responseToRtp));
        json.put("speak_to_first_rtp_ms", dist(speakToRtp));
        json.put("jitter_per_packet_ms", dist(jitter));
        json.put("rfc3550_jitter_ms_per_stream", dist(finalJ));
        json.put("max_lateness_ms_per_stream", dist(maxLateness));
        json.put("late_packets_over_30ms", late);
        json.put("streams_with_late_packets", lateStreams);
        json.put("lost_packets", lost);
        json.put("pacing_wall_over_media", dist(pacing));
    }

    static double ms(long nanos) {
        return nanos / 1e6;
    }

    static Map<String, Object> dist(Stats s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("n", s.count());
        m.put("p50", round(s.percentile(50)));
        m.put("p90", round(s.percentile(90)));
        m.put("p99", round(s.percentile(99)));
        m.put("p999", round(s.percentile(99.9)));
        m.put("max", round(s.max()));
        return m;
    }

    static Object round(double v) {
        return Double.isNaN(v) ? null : Math.round(v * 1000) / 1000.0;
    }

    void put(String key, Object value) {
        json.put(key, value);
    }

    void writeJson(Path file) throws IOException {
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), json);
    }

    static String header() {
        return String.format(Locale.ROOT, "%-10s %5s %-9s %9s %9s %9s %9s %8s %7s %13s %6s %14s %4s",
                "label", "N", "codec", "setup99", "SPK>IP99", "IP>RTP99", "jit99", "late", "lost",
                "pacing50/max", "CPU%", "RSS MB st/pk", "thr");
    }

    String row(String label, int n, String codec, ProcSampler.Usage u) {
        return String.format(Locale.ROOT, "%-10s %5d %-9s %9s %9s %9s %9s %8d %7d %6s/%-6s %6s %14s %4s",
                label, n, codec, f1(setup.percentile(99)), f1(speakToResponse.percentile(99)),
                f1(responseToRtp.percentile(99)), f1(jitter.percentile(99)), late, lost,
                f2(pacing.percentile(50)), f2(pacing.max()), u == null ? "-" : f1(u.cpuPercent()),
                u == null ? "-" : (u.rssStartKb() / 1024) + "/" + (u.rssPeakKb() / 1024),
                u == null ? "-" : Integer.toString(u.threadsPeak()));
    }

    void print(PrintStream out, String label, int n, String codec, ProcSampler.Usage u) {
        out.println(header());
        out.println(row(label, n, codec, u));
        out.printf(Locale.ROOT, "calls: %d INVITEs, %d established, %d SPEAKs, %d IN-PROGRESS, %d SPEAK-COMPLETE, "
                + "%d RTP streams, %d packets%n", invites, established, speaks, inProgress, completes, streams, packets);
        out.printf(Locale.ROOT, "SPEAK->first RTP p50/p99/max %s/%s/%s ms; jitter p50/p99/p99.9/max %s/%s/%s/%s ms; "
                + "RFC3550 J p99 %s ms; lateness p99/max %s/%s ms%n",
                f1(speakToRtp.percentile(50)), f1(speakToRtp.percentile(99)), f1(speakToRtp.max()),
                f2(jitter.percentile(50)), f2(jitter.percentile(99)), f2(jitter.percentile(99.9)), f2(jitter.max()),
                f2(finalJ.percentile(99)), f1(maxLateness.percentile(99)), f1(maxLateness.max()));
    }

    static String f1(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.1f", v);
    }

    static String f2(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.2f", v);
    }
}
