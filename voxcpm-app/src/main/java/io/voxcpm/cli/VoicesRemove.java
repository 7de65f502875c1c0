package io.voxcpm.cli;

import io.voxcpm.cache.PromptCache;
import io.voxcpm.voice.Voice;
import io.voxcpm.voice.VoiceAuditLog;
import io.voxcpm.voice.VoiceRegistry;
import io.voxcpm.voice.VoiceStatus;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * Deletes a voice from the registry, from every model worker that was given its recordings, and from the
 * prompt cache. The workers go first: when one cannot be reached the registry keeps the voice, so running the
 * command again (or with {@code --force}) finishes the job rather than leaving a recording nobody can name.
 * The cache is purged after the registry: a server still speaking the voice until then cannot refill it. The
 * removal is recorded in the registry's audit log.
 */
@Command(name = "remove", mixinStandardHelpOptions = true,
        description = "Delete a voice with all its versions and recordings, in the registry and on the model workers.")
final class VoicesRemove implements Callable<Integer> {

    @ParentCommand
    VoicesCommand parent;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Option(names = "--engine", paramLabel = "KIND", description = "Engine whose workers forget the voice (default: the configured one).")
    String engine;

    @Option(names = "--workers", paramLabel = "HOST:PORT", split = ",",
            description = "Model workers to reach (default: those configured for the server).")
    List<String> workers;

    @Option(names = "--force", description = "Remove from the registry even when a worker could not be reached.")
    boolean force;

    @Option(names = "--by", paramLabel = "WHO", description = "Who removes the voice, for the audit log (default: the current user).")
    String by;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        List<String> reached = new ArrayList<>();
        Path cacheDir;
        try {
            cacheDir = parent.cacheDir(); // before anything is removed: a bad configuration stops the command here
        } catch (IllegalArgumentException e) {
            err.println("error: cannot tell which prompt cache to purge: " + e.getMessage() + " (or give --cache-dir DIR)");
            return VoicesCommand.FAILED;
        }
        try {
            VoiceRegistry registry = parent.openRegistry();
            List<Voice> versions = registry.versions(name).stream()
                    .filter(VoiceStatus.Ok.class::isInstance).map(s -> ((VoiceStatus.Ok) s).voice()).toList();
            if (!versions.isEmpty()) {
                try {
                    for (String line : parent.engines().forgetVoice(new EngineOptions(engine, 1, workers), versions)) {
                        out.println(line);
                        reached.add(line);
                    }
                } catch (IOException | IllegalArgumentException e) {
                    if (!force) {
                        err.println("error: " + e.getMessage() + "; " + name + " is still registered: run the command"
                                + " again once the workers are reachable, or with --force to remove it from the registry anyway");
                        return VoicesCommand.FAILED;
                    }
                    err.println("warning: " + e.getMessage() + " (--force: removing from the registry anyway)");
                    reached.add("forced past: " + e.getMessage());
                }
            }
            VoiceAuditLog.Actor actor = by != null ? new VoiceAuditLog.Actor(by, "cli") : VoiceAuditLog.Actor.local("cli");
            if (!registry.remove(name, actor, reached.isEmpty() ? null : String.join("; ", reached))) {
                err.println("error: no voice named '" + name + "' in " + parent.voicesDir + " (see: voices list)");
                return VoicesCommand.FAILED;
            }
        } catch (IOException e) {
            err.println("error: cannot remove " + name + " from " + parent.voicesDir + ": " + e.getMessage());
            return VoicesCommand.FAILED;
        }
        out.println("removed " + name);
        if (Files.isDirectory(cacheDir)) {
            try {
                // no cap: opening must not evict what the server keeps
                PromptCache.Purged purged = PromptCache.open(cacheDir, Long.MAX_VALUE).purgeVoice(name);
                out.println("purged " + purged.entries() + " prompt-cache entries of " + name + " from " + cacheDir);
            } catch (IOException e) {
                err.println("error: " + name + " is removed, but its prompt-cache entries in " + cacheDir
                        + " could not be purged: " + e.getMessage() + " (delete " + cacheDir.resolve("voices").resolve(name)
                        + " by hand)");
                return VoicesCommand.FAILED;
            }
        }
        out.flush();
        return VoicesCommand.OK;
    }
}
