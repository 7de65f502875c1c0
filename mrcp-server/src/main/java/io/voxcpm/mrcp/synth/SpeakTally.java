package io.voxcpm.mrcp.synth;

/**
 * What one session's SPEAKs came to, for the single INFO line its close logs: how many ended each way, the
 * frames they queued, and the worst wait for first audio. Written only from the channel's {@link Lane} (one
 * thread at a time, handed over with a happens-before edge), read from whichever thread closes the session:
 * plain volatile fields, no lock and no allocation per SPEAK.
 */
final class SpeakTally {

    private volatile int complete;
    private volatile int stopped;
    private volatile int failed;
    private volatile long frames;
    /** -1 until a SPEAK has had audio. */
    private volatile long firstAudioMaxMillis = -1;

    /** Played out: SPEAK-COMPLETE 000. */
    void complete(SpeakPlayback playback) {
        complete++;
        played(playback);
    }

    /** Ended by the client or the call: STOP, barge-in, cancelled, hang-up, lost connection, dropped from the queue. */
    void stopped(SpeakPlayback playback) {
        stopped++;
        played(playback);
    }

    /** Ended by a fault: the engine, the plan, or the audio cap. */
    void failed(SpeakPlayback playback) {
        failed++;
        played(playback);
    }

    private void played(SpeakPlayback playback) {
        if (playback == null) {
            return; // never started (dropped from the queue, refused before audio)
        }
        frames += playback.framesQueued();
        long firstAudio = playback.firstAudioMillis();
        if (firstAudio > firstAudioMaxMillis) {
            firstAudioMaxMillis = firstAudio;
        }
    }

    /** e.g. {@code speaks 3: 2 complete, 1 stopped, 0 failed; 412 frames; first audio max 12 ms}, or {@code no SPEAK}. */
    String summary() {
        int done = complete;
        int cut = stopped;
        int broken = failed;
        int total = done + cut + broken;
        if (total == 0) {
            return "no SPEAK";
        }
        StringBuilder line = new StringBuilder(80).append("speaks ").append(total).append(": ")
                .append(done).append(" complete, ").append(cut).append(" stopped, ")
                .append(broken).append(" failed; ").append(frames).append(" frames");
        long firstAudio = firstAudioMaxMillis;
        if (firstAudio >= 0) {
            line.append("; first audio max ").append(firstAudio).append(" ms");
        }
        return line.toString();
    }
}
