package io.voxcpm.admin;

import java.io.IOException;
import java.net.BindException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Start-up failures worded for the operator: what is wrong, with which setting, and what to do. The JDK says
 * "Address already in use" and nothing else; a server that fails to start must say which port, held by whom
 * (another process: the port is this host's, not ours), and which option moves it.
 */
public final class StartupProblems {

    private StartupProblems() {
    }

    /**
     * Why a listener could not bind, e.g. "port 1544 already in use by another process (MRCPv2 over TCP on 0.0.0.0):
     * stop that process or set mrcp.port / --mrcp-port".
     *
     * @param what    the listener, e.g. "MRCPv2 over TCP"
     * @param address the address it binds
     * @param port    the port it binds
     * @param setting the configuration key and option that choose the port, e.g. "mrcp.port / --mrcp-port"
     * @param failure what the bind threw (its cause chain is searched for the socket error)
     */
    public static String bind(String what, String address, int port, String setting, Throwable failure) {
        String where = " (" + what + " on " + address + ")";
        String reason = socketError(failure);
        String lower = reason.toLowerCase(java.util.Locale.ROOT);
        if (lower.contains("already in use")) {
            return "port " + port + " already in use by another process" + where + ": stop that process (ss -lntup"
                    + " shows it) or set " + setting;
        }
        if (lower.contains("permission denied") || lower.contains("access denied")) {
            return "port " + port + " needs privileges this process lacks" + where + ": ports below 1024 need root or"
                    + " CAP_NET_BIND_SERVICE; set " + setting + " to 1024 or above";
        }
        if (lower.contains("cannot assign requested address")) {
            return "address " + address + " is not an address of this host" + where
                    + ": set sip.address / --address to one of its addresses, or 0.0.0.0";
        }
        return "cannot listen on port " + port + where + ": " + reason;
    }

    /**
     * Checks a file the server must read at start (a certificate, a key, a token file) and says what is wrong
     * with it, or returns null when it can be read.
     *
     * @param setting the configuration key that names it, e.g. "http.tls.certificate"
     */
    public static String unreadableFile(String setting, Path file) {
        try {
            if (Files.isDirectory(file)) {
                return setting + ": " + file + " is a directory, not a file";
            }
            try (var in = Files.newInputStream(file)) {
                in.read();
            }
            return null;
        } catch (NoSuchFileException e) {
            return setting + ": " + file + " does not exist";
        } catch (AccessDeniedException e) {
            return setting + ": " + file + " is not readable by user " + System.getProperty("user.name", "?")
                    + " (check its permissions and owner)";
        } catch (IOException e) {
            return setting + ": cannot read " + file + ": " + e.getMessage();
        }
    }

    private static String socketError(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof BindException || t instanceof java.net.SocketException) {
                return String.valueOf(t.getMessage());
            }
            if (t.getMessage() != null && t.getMessage().toLowerCase(java.util.Locale.ROOT).contains("already in use")) {
                return t.getMessage();
            }
        }
        return String.valueOf(failure.getMessage());
    }
}
