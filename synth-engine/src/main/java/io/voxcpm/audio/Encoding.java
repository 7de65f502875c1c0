package io.voxcpm.audio;

/** Payload encodings the server can put on the wire. */
public enum Encoding {
    /** G.711 µ-law (RTP payload type 0). */
    PCMU,
    /** G.711 A-law (RTP payload type 8). */
    PCMA,
    /** 16-bit linear PCM, big-endian network order (RFC 3551 L16). */
    L16,
    /**
     * G.722 sub-band ADPCM at 64 kbit/s (RTP payload type 9): 16 kHz audio, one octet per two samples,
     * but an RTP clock of 8000 Hz (RFC 3551 §4.5.2).
     */
    G722
}
