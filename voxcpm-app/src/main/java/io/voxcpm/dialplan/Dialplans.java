package io.voxcpm.dialplan;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import javax.xml.stream.XMLStreamException;

/**
 * Finds the synthesis requests in PBX configuration: FreeSWITCH XML ({@code *.xml}: dialplans and the
 * UniMRCP profiles they name) and Lua ({@code *.lua}), Asterisk dialplans ({@code *.conf}). Directories are
 * searched recursively. Profiles are read from every file first, so a dialplan may come before its profile.
 */
public final class Dialplans {

    /**
     * What was found, in file order.
     *
     * @param requests every synthesis request, skipped ones included
     * @param problems files that could not be read, as {@code file: reason}
     */
    public record Scan(List<DialplanSpeak> requests, List<String> problems) { }

    private Dialplans() {
    }

    /** @throws IOException when a path does not exist or a directory cannot be listed */
    public static Scan scan(List<Path> paths) throws IOException {
        List<Path> files = new ArrayList<>();
        for (Path path : paths) {
            if (!Files.exists(path)) {
                throw new IOException("no such file or directory: " + path);
            }
            try (Stream<Path> walk = Files.walk(path)) {
                walk.filter(Files::isRegularFile).filter(Dialplans::isConfiguration).sorted().forEach(files::add);
            }
        }
        FreeswitchTts tts = new FreeswitchTts();
        List<String> problems = new ArrayList<>();
        for (Path file : files) {
            if (kind(file).equals("xml")) {
                try {
                    FreeswitchXml.readProfiles(file, tts);
                } catch (XMLStreamException e) {
                    problems.add(file + ": not well-formed XML: " + e.getMessage());
                }
            }
        }
        List<DialplanSpeak> found = new ArrayList<>();
        for (Path file : files) {
            try {
                switch (kind(file)) {
                    case "xml" -> FreeswitchXml.readActions(file, tts, found);
                    case "lua" -> FreeswitchLua.read(file, Files.readString(file, StandardCharsets.UTF_8), tts, found);
                    default -> AsteriskDialplan.read(file, Files.readAllLines(file, StandardCharsets.UTF_8), found);
                }
            } catch (XMLStreamException e) {
                // reported with the profiles
            } catch (IOException e) {
                problems.add(file + ": " + e.getMessage());
            }
        }
        return new Scan(List.copyOf(found), List.copyOf(problems));
    }

    private static boolean isConfiguration(Path file) {
        return !kind(file).isEmpty();
    }

    private static String kind(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return name.endsWith(".xml") ? "xml" : name.endsWith(".lua") ? "lua" : name.endsWith(".conf") ? "conf" : "";
    }
}
