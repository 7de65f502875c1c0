package io.voxcpm.embedded;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import marytts.LocalMaryInterface;
import marytts.MaryInterface;
import marytts.exceptions.MaryConfigurationException;
import marytts.exceptions.SynthesisException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * One MaryTTS interface with the slt voice. A {@link LocalMaryInterface} keeps per-call state (input type,
 * voice, locale) in fields, so an instance must be used by one thread at a time; the modules behind it
 * are shared and handle concurrent requests (the MaryTTS socket server relies on that too).
 */
final class MaryVoice {

    static final String VOICE = "cmu-slt-hsmm";
    static final int SAMPLE_RATE = 48_000;

    private static final String SSML_NS = "http://www.w3.org/2001/10/synthesis";
    private static final AudioFormat PCM = new AudioFormat(SAMPLE_RATE, 16, 1, true, false);

    private final MaryInterface mary;
    private final DocumentBuilderFactory documents = DocumentBuilderFactory.newInstance();

    /** The first instance in a JVM starts MaryTTS (seconds); later ones are cheap. */
    MaryVoice() throws MaryConfigurationException {
        MaryLogging.configure();
        mary = new LocalMaryInterface();
        mary.setLocale(Locale.US);
        mary.setVoice(VOICE);
        documents.setNamespaceAware(true);
    }

    /** The whole sentence as 48 kHz mono PCM; MaryTTS renders the utterance completely before returning. */
    short[] speak(String sentence, SpeechRate rate) throws SynthesisException, IOException {
        AudioInputStream audio;
        if (rate.isNormal()) {
            mary.setInputType("TEXT");
            audio = mary.generateAudio(sentence);
        } else {
            // the Rate audio effect barely changes an HSMM voice's duration; SSML prosody does
            mary.setInputType("SSML");
            audio = mary.generateAudio(ssml(sentence, rate));
        }
        return toPcm(audio);
    }

    private Document ssml(String sentence, SpeechRate rate) {
        Document doc;
        try {
            doc = documents.newDocumentBuilder().newDocument();
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException("the JDK's DOM builder is unavailable", e);
        }
        Element speak = doc.createElementNS(SSML_NS, "speak");
        speak.setAttribute("version", "1.0");
        speak.setAttributeNS("http://www.w3.org/XML/1998/namespace", "xml:lang", "en-US");
        Element prosody = doc.createElementNS(SSML_NS, "prosody");
        prosody.setAttribute("rate", rate.toSsml());
        prosody.appendChild(doc.createTextNode(sentence));
        speak.appendChild(prosody);
        doc.appendChild(speak);
        return doc;
    }

    private static short[] toPcm(AudioInputStream audio) throws IOException {
        try (InputStream in = PCM.matches(audio.getFormat()) ? audio : AudioSystem.getAudioInputStream(PCM, audio)) {
            // not readAllBytes: it asks for 0 bytes when its buffer fills, and MaryTTS' stream answers -1
            ByteArrayOutputStream out = new ByteArrayOutputStream(1 << 16);
            byte[] buffer = new byte[1 << 14];
            for (int n; (n = in.read(buffer, 0, buffer.length)) >= 0; ) {
                out.write(buffer, 0, n);
            }
            byte[] bytes = out.toByteArray();
            short[] samples = new short[bytes.length / 2];
            for (int i = 0; i < samples.length; i++) {
                samples[i] = (short) ((bytes[2 * i] & 0xff) | (bytes[2 * i + 1] << 8));
            }
            return samples;
        }
    }
}
