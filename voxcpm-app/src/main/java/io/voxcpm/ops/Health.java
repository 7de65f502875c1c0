package io.voxcpm.ops;

import io.voxcpm.engine.Availability;
import io.voxcpm.ops.http.HttpReply;
import io.voxcpm.ops.http.Routes;
import io.voxcpm.server.VoxcpmMrcpServer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * {@code GET /health/live} and {@code GET /health/ready}. Live: the process answers (a restart would not
 * help anything else). Ready: a new INVITE would be served, so a load balancer or Kubernetes sends calls
 * here; it is false while the engine loads, while draining, and while no engine of the chain can take a
 * synthesis. Both answer JSON with a short reason; 200 or 503.
 */
public final class Health {

    private final VoxcpmMrcpServer server;

    public Health(VoxcpmMrcpServer server) {
        this.server = server;
    }

    public void register(Routes routes) {
        routes.add("GET", "/health/live", call -> HttpReply.json(200, Map.of("live", true)));
        routes.add("GET", "/health/ready", call -> {
            Readiness r = readiness();
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("ready", r.ready());
            body.put("reason", r.reason());
            body.put("sessions", server.sessionCount());
            return HttpReply.json(r.ready() ? 200 : 503, body);
        });
    }

    /** Whether new calls are served, and why not. */
    public record Readiness(boolean ready, String reason) { }

    public Readiness readiness() {
        if (server.isDraining()) {
            return new Readiness(false, "draining: new calls are refused while the calls in progress finish");
        }
        if (server.ready().isCompletedExceptionally()) {
            return new Readiness(false, "the speech engine failed to load");
        }
        Optional<Availability> engine = server.engineAvailability();
        if (engine.isEmpty()) {
            return new Readiness(false, "starting: the speech engine is loading");
        }
        Availability a = engine.get();
        if (!a.takesRequests()) {
            return new Readiness(false, "no engine can serve: " + (a.reason() == null ? a.engine() : a.reason()));
        }
        return new Readiness(true, a.state() == Availability.State.FALLBACK
                ? "serving on a fallback engine (" + a.engine() + "): " + a.reason() : "serving");
    }
}
