package io.voxcpm.cache;

/**
 * One verified cache entry: mono signed 16-bit PCM.
 *
 * @param sampleRate samples per second
 * @param samples    the audio; the caller owns the array
 */
public record CachedAudio(int sampleRate, short[] samples) {

    public double seconds() {
        return samples.length / (double) sampleRate;
    }
}
