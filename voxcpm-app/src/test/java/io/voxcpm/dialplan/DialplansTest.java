package io.voxcpm.dialplan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the scanner reads out of dialplans: the SPEAK each PBX module sends (headers from the modules'
 * option and parameter tables, Content-Type by the modules' SSML test), with file and line, and why the
 * rest cannot be rendered ahead.
 */
class DialplansTest {

    private static final String PROFILE = """
            <include>
              <profile name="voxcpm" version="2">
                <param name="server-ip" value="127.0.0.1"/>
                <synthparams>
                  <param name="Speech-Language" value="en-US"/>
                  <param name="cfg_value" value="2.5"/>
                </synthparams>
              </profile>
            </include>
            """;

    @TempDir
    Path dir;

    @Test
    void freeswitchXmlSpeaksWithTheProfileTheVoiceAndTheTextParameters() throws IOException {
        write("mrcp_profiles/voxcpm.xml", PROFILE);
        write("unimrcp.conf.xml", "<configuration><settings><param name=\"default-tts-profile\" value=\"voxcpm\"/>"
                + "</settings></configuration>");
        write("dialplan.xml", """
                <include>
                  <extension name="a">
                    <condition field="destination_number" expression="^1$">
                      <action application="speak" data="unimrcp:voxcpm|anna|Hello."/>
                      <action application="set" data="tts_engine=unimrcp"/>
                      <action application="set" data="tts_voice=bob"/>
                      <action application="speak" data="{voice=carl,Prosody-Rate=fast,Jump-Size=2 second,seed=7}Hi &amp; bye."/>
                      <action application="speak" data="&lt;speak xml:lang='en-US'&gt;Yes.&lt;/speak&gt;"/>
                      <action application="play_and_detect_speech" data="say:Say yes. detect:unimrcp builtin:grammar/boolean"/>
                      <action application="speak" data="Your balance is ${balance}."/>
                    </condition>
                  </extension>
                  <extension name="b">
                    <condition><action application="speak" data="No engine here."/>
                    <action application="speak" data="flite|kal|Not ours."/>
                    <action application="speak" data="unimrcp:other|x|Unknown profile."/></condition>
                  </extension>
                </include>
                """);

        List<DialplanSpeak> found = Dialplans.scan(List.of(dir)).requests();

        assertThat(found).extracting(DialplanSpeak::line).containsExactly(4, 7, 8, 9, 10, 14, 15, 16);
        assertThat(found.get(0).headers()).containsExactly(entry("Content-Type", "text/plain"),
                entry("Speech-Language", "en-US"), entry("Voice-Name", "anna"),
                entry("Vendor-Specific-Parameters", "cfg_value=2.5"));
        assertThat(found.get(0).body()).isEqualTo("Hello.");
        // {voice=...} names the voice; Jump-Size is a synthesizer header mod_unimrcp drops; seed is not a header
        assertThat(found.get(1).headers()).containsExactly(entry("Content-Type", "text/plain"),
                entry("Speech-Language", "en-US"), entry("Voice-Name", "carl"), entry("Prosody-Rate", "fast"),
                entry("Vendor-Specific-Parameters", "cfg_value=2.5;seed=7"));
        assertThat(found.get(1).body()).isEqualTo("Hi & bye.");
        assertThat(found.get(2).headers()).containsEntry("Content-Type", "application/ssml+xml")
                .containsEntry("Voice-Name", "bob");
        assertThat(found.get(3).call()).isEqualTo("play_and_detect_speech");
        assertThat(found.get(3).body()).isEqualTo("Say yes.");
        assertThat(found.subList(4, 8)).extracting(DialplanSpeak::skipped).containsExactly(
                "built from variables at call time",
                "no TTS engine known here (set tts_engine=unimrcp:PROFILE first)",
                "engine 'flite' is not unimrcp",
                "profile 'other' is not in the files given (add its mrcp_profiles XML: its <synthparams> become SPEAK headers)");
    }

    @Test
    void luaLiteralsAndConcatenationsCountVariablesDoNot() throws IOException {
        write("voxcpm.xml", PROFILE);
        write("ivr.lua", """
                -- session:speak("commented out")
                session:answer()
                session:set_tts_params("unimrcp:voxcpm", 'dana')
                session:speak("<speak xml:lang=\\"en-US\\">One. "
                  .. "Two.</speak>")
                local name = "x"
                session:speak("Hello " .. name)
                session:execute("speak", "unimrcp:voxcpm|erik|{Speech-Language=de-DE}Hallo.")
                session:speak([[Long
                string.]])
                """);

        List<DialplanSpeak> found = Dialplans.scan(List.of(dir)).requests();

        assertThat(found).extracting(DialplanSpeak::line).containsExactly(4, 7, 8, 9);
        assertThat(found.get(0).body()).isEqualTo("<speak xml:lang=\"en-US\">One. Two.</speak>");
        assertThat(found.get(0).headers()).containsEntry("Content-Type", "application/ssml+xml")
                .containsEntry("Voice-Name", "dana");
        assertThat(found.get(1).skipped()).isEqualTo("built from variables at call time");
        assertThat(found.get(2).headers()).containsEntry("Speech-Language", "de-DE").containsEntry("Voice-Name", "erik");
        assertThat(found.get(2).call()).isEqualTo("session:execute");
        assertThat(found.get(3).body()).isEqualTo("Long\nstring.");
    }

    @Test
    void asteriskArgumentsAndOptionsAsAppUnimrcpReadsThem() throws IOException {
        write("extensions.conf", """
                [ivr]
                exten => 100,1,Answer() ; MRCPSynth(in a comment)
                 same => n,MRCPSynth(Hello\\, world.,p=voxcpm&l=en-GB&v=anna&pr=slow&g=female&vsp=seed=3)
                 same => n,MRCPSynth(<?xml version=\\"1.0\\"?><speak xml:lang="en-US">Yes</speak>,i=any)
                 same => n,MRCPSynth(Dear ${NAME},v=anna)
                 same => n,SynthAndRecog(Say a number^audio:beep^Or press it,builtin:grammar/number,spl=fr-FR&vn=zoe)
                 same => n,mrcpsynth(http://example.com/prompt.txt)
                 same => n,MRCPSynth(/var/lib/prompts/welcome.txt)
                """);

        List<DialplanSpeak> found = Dialplans.scan(List.of(dir)).requests();

        assertThat(found).extracting(DialplanSpeak::line).containsExactly(3, 4, 5, 6, 6, 6, 7, 8);
        assertThat(found.get(0).body()).isEqualTo("Hello, world.");
        assertThat(found.get(0).headers()).containsExactly(entry("Content-Type", "text/plain"),
                entry("Speech-Language", "en-GB"), entry("Voice-Name", "anna"), entry("Prosody-Rate", "slow"),
                entry("Voice-Gender", "female"), entry("Vendor-Specific-Parameters", "seed=3"));
        // Asterisk removes the double quotes of an argument; escaped ones stay
        assertThat(found.get(1).body()).isEqualTo("<?xml version=\"1.0\"?><speak xml:lang=en-US>Yes</speak>");
        assertThat(found.get(1).headers()).containsExactly(entry("Content-Type", "application/ssml+xml"));
        assertThat(found.get(2).skipped()).isEqualTo("built from variables at call time");
        assertThat(found.get(3).headers()).containsEntry("Speech-Language", "fr-FR").containsEntry("Voice-Name", "zoe");
        assertThat(found.get(3).body()).isEqualTo("Say a number");
        assertThat(found.get(4).skipped()).isEqualTo("a recording, not synthesis");
        assertThat(found.get(5).body()).isEqualTo("Or press it");
        assertThat(found.get(6).skipped()).isEqualTo("a URI, which is never fetched");
        assertThat(found.get(7).skipped()).startsWith("text read from the file /var/lib/prompts/welcome.txt");
    }

    @Test
    void unreadableFilesAreReportedAndMissingPathsRefused() throws IOException {
        write("broken.xml", "<include><extension></include>");
        assertThat(Dialplans.scan(List.of(dir)).problems()).singleElement().asString()
                .startsWith(dir.resolve("broken.xml") + ": not well-formed XML");
        Path missing = dir.resolve("nope");
        org.assertj.core.api.Assertions.assertThatIOException().isThrownBy(() -> Dialplans.scan(List.of(missing)))
                .withMessageContaining("no such file or directory");
    }

    private void write(String name, String text) throws IOException {
        Path file = dir.resolve(name);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }
}
