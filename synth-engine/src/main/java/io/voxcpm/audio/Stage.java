package io.voxcpm.audio;

/**
 * One filtering step of a {@link Resampler}: float samples in, float samples out, no rounding between
 * steps. An output becomes available once every input it depends on has been pushed; its value depends
 * only on those inputs, never on how they were split into pushes.
 */
interface Stage {

    /** Appends input samples. */
    void push(float[] in, int off, int len);

    /** Outputs computable from what has been pushed and not yet produced. */
    int available();

    /** Computes the next {@code count} outputs ({@code count <= available()}) into {@code out}. */
    void produce(float[] out, int off, int count);

    /** Input samples an output looks ahead of its own position. */
    int lookahead();

    /** Forgets the stream: the next push starts a new one, preceded by silence. */
    void reset();
}
