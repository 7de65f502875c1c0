package io.voxcpm.sdp;

import java.util.List;
import java.util.Optional;

/**
 * The parts of an SDP body (RFC 4566) that MRCP needs: the session-level connection address and the media
 * descriptions in their original order. Unknown lines are skipped by the parser.
 *
 * @param connectionAddress the session-level {@code c=} address, if any
 * @param media             the {@code m=} sections in offer order
 */
record SessionDescription(Optional<String> connectionAddress, List<MediaDescription> media) {

    public SessionDescription {
        media = List.copyOf(media);
    }
}
