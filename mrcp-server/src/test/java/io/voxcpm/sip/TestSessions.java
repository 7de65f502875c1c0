package io.voxcpm.sip;

import io.voxcpm.sdp.AudioCodec;
import io.voxcpm.sdp.ConnectionType;
import io.voxcpm.sdp.MrcpOffer;
import io.voxcpm.sdp.SdpAnswer;
import io.voxcpm.sdp.SdpException;
import io.voxcpm.sdp.SdpOffers;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A stand-in for the session layer: real SDP negotiation, fixed MRCP/RTP ports, and a record of what the
 * SIP layer called. A Request-URI user of {@code slow} leaves the answer pending until {@link #release}.
 */
final class TestSessions implements SipApplication {

    static final int MRCP_PORT = 1544;
    static final int RTP_PORT = 5000;

    final List<SipCall> invites = new CopyOnWriteArrayList<>();
    final List<SipCall> reinvites = new CopyOnWriteArrayList<>();
    final List<String> terminations = new CopyOnWriteArrayList<>();
    final List<CompletableFuture<InviteOutcome>> pending = new CopyOnWriteArrayList<>();
    private final AtomicLong ids = new AtomicLong(0x6f1b2c3d4e5f6a00L);

    @Override
    public InviteOutcome onInvite(SipCall call, String sdpOffer) {
        invites.add(call);
        return answer(call, sdpOffer);
    }

    @Override
    public CompletionStage<InviteOutcome> onInviteAsync(SipCall call, String sdpOffer) {
        if (!"slow".equals(call.requestUser())) {
            return SipApplication.super.onInviteAsync(call, sdpOffer);
        }
        invites.add(call);
        CompletableFuture<InviteOutcome> later = new CompletableFuture<>();
        pending.add(later);
        return later;
    }

    void release() {
        pending.forEach(f -> f.complete(new InviteOutcome.Reject(480, "Temporarily Unavailable")));
    }

    @Override
    public InviteOutcome onReinvite(SipCall call, String sdpOffer) {
        reinvites.add(call);
        return answer(call, sdpOffer);
    }

    @Override
    public String capabilities(String localAddress) {
        return SdpAnswer.capabilities(localAddress);
    }

    @Override
    public void onTerminated(SipCall call, TerminationReason reason) {
        terminations.add(call.callId() + " " + reason);
    }

    private InviteOutcome answer(SipCall call, String sdpOffer) {
        try {
            MrcpOffer offer = SdpOffers.parse(sdpOffer);
            AudioCodec codec = offer.negotiateCodec();
            return new InviteOutcome.Accept(SdpAnswer.build(new SdpAnswer.Spec(offer, codec,
                    call.local().getAddress().getHostAddress(), MRCP_PORT, Long.toHexString(ids.incrementAndGet()),
                    ConnectionType.NEW, RTP_PORT)));
        } catch (SdpException e) {
            return new InviteOutcome.Reject(e.sipStatus(), e.getMessage());
        }
    }
}
