package io.voxcpm.dialplan;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * FreeSWITCH XML: UniMRCP profiles ({@code <profile>} with {@code <synthparams>}, and
 * {@code default-tts-profile}) and dialplan extensions, whose {@code speak} and
 * {@code play_and_detect_speech say:...} actions are read in document order with the {@code tts_engine} and
 * {@code tts_voice} that earlier {@code set} actions of the same extension gave the channel.
 */
final class FreeswitchXml {

    private static final XMLInputFactory FACTORY = XMLInputFactory.newFactory();

    static {
        FACTORY.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        FACTORY.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
    }

    private FreeswitchXml() {
    }

    /** Adds the profiles and the default TTS profile {@code file} defines. */
    static void readProfiles(Path file, FreeswitchTts tts) throws IOException, XMLStreamException {
        try (InputStream in = Files.newInputStream(file)) {
            XMLStreamReader xml = FACTORY.createXMLStreamReader(in);
            String profile = null;
            String ssmlType = null;
            Map<String, String> synth = new LinkedHashMap<>();
            boolean inSynth = false;
            while (xml.hasNext()) {
                int event = xml.next();
                if (event == XMLStreamConstants.START_ELEMENT) {
                    String name = xml.getLocalName();
                    String paramName = xml.getAttributeValue(null, "name");
                    String value = xml.getAttributeValue(null, "value");
                    if (name.equals("profile") && paramName != null) {
                        profile = paramName;
                        ssmlType = null;
                        synth = new LinkedHashMap<>();
                    } else if (name.equals("synthparams")) {
                        inSynth = true;
                    } else if (name.equals("param") && paramName != null && value != null) {
                        if (inSynth) {
                            synth.put(paramName, value);
                        } else if (profile != null && paramName.equals("ssml-mime-type")) {
                            ssmlType = value;
                        } else if (paramName.equals("default-tts-profile")) {
                            tts.defaultProfile(value);
                        }
                    }
                } else if (event == XMLStreamConstants.END_ELEMENT) {
                    if (xml.getLocalName().equals("synthparams")) {
                        inSynth = false;
                    } else if (xml.getLocalName().equals("profile") && profile != null) {
                        tts.addProfile(new FreeswitchTts.Profile(profile, ssmlType, Map.copyOf(synth)));
                        profile = null;
                    }
                }
            }
            xml.close();
        }
    }

    /** The synthesis requests of the dialplan actions in {@code file}. */
    static void readActions(Path file, FreeswitchTts tts, List<DialplanSpeak> found) throws IOException, XMLStreamException {
        try (InputStream in = Files.newInputStream(file)) {
            XMLStreamReader xml = FACTORY.createXMLStreamReader(in);
            String engine = null;
            String voice = null;
            while (xml.hasNext()) {
                if (xml.next() != XMLStreamConstants.START_ELEMENT) {
                    continue;
                }
                String element = xml.getLocalName();
                if (element.equals("extension")) {
                    engine = null;
                    voice = null;
                    continue;
                }
                String app = xml.getAttributeValue(null, "application");
                String data = xml.getAttributeValue(null, "data");
                if (!(element.equals("action") || element.equals("anti-action")) || app == null || data == null) {
                    continue;
                }
                int line = xml.getLocation().getLineNumber();
                switch (app) {
                    case "set" -> {
                        if (data.startsWith("tts_engine=")) {
                            engine = data.substring("tts_engine=".length());
                        } else if (data.startsWith("tts_voice=")) {
                            voice = data.substring("tts_voice=".length());
                        }
                    }
                    case "speak" -> found.add(tts.speakData(file, line, app, data, engine, voice));
                    case "play_and_detect_speech" -> {
                        if (data.startsWith("say:")) {
                            int detect = data.indexOf(" detect:");
                            String text = data.substring(4, detect < 0 ? data.length() : detect);
                            found.add(tts.speak(file, line, app, engine, voice, text));
                        }
                    }
                    default -> { }
                }
            }
            xml.close();
        }
    }
}
