package io.voxcpm.dialplan;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Asterisk {@code extensions.conf}: {@code MRCPSynth(prompt,options)} and
 * {@code SynthAndRecog(prompts,grammar,options)} of app_unimrcp. Arguments are split the way Asterisk does
 * (at commas outside double quotes and parentheses; the quotes and backslashes removed), then trimmed and
 * unquoted as app_unimrcp does; the options become SPEAK headers through app_unimrcp's option letters.
 * SynthAndRecog's prompts are separated by {@code ^}; an {@code audio:} prompt is a recording.
 */
final class AsteriskDialplan {

    private static final Pattern APP = Pattern.compile("(?i)\\b(MRCPSynth|SynthAndRecog)\\s*\\(");
    private static final Map<String, String> SYNTH_OPTIONS = Map.of("l", "Speech-Language", "pv", "Prosody-Volume",
            "pr", "Prosody-Rate", "v", "Voice-Name", "vv", "Voice-Variant", "g", "Voice-Gender", "a", "Voice-Age",
            "vsp", "Vendor-Specific-Parameters");
    private static final Map<String, String> SYNTH_AND_RECOG_OPTIONS = Map.of("spl", "Speech-Language",
            "pv", "Prosody-Volume", "pr", "Prosody-Rate", "vn", "Voice-Name", "vv", "Voice-Variant",
            "vg", "Voice-Gender", "a", "Voice-Age", "vsp", "Vendor-Specific-Parameters",
            "vspsyn", "Vendor-Specific-Parameters");

    private AsteriskDialplan() {
    }

    static void read(Path file, List<String> lines, List<DialplanSpeak> found) {
        for (int n = 0; n < lines.size(); n++) {
            String line = withoutComment(lines.get(n));
            if (!line.contains("=>")) {
                continue;
            }
            Matcher m = APP.matcher(line);
            int close = line.lastIndexOf(')');
            if (!m.find() || close < m.end()) {
                continue;
            }
            String app = m.group(1);
            List<String> args = arguments(line.substring(m.end(), close));
            boolean synth = app.equalsIgnoreCase("MRCPSynth");
            String options = args.size() > (synth ? 1 : 2) ? args.get(synth ? 1 : 2) : "";
            String prompts = args.isEmpty() ? "" : unquote(args.get(0));
            for (String prompt : synth ? List.of(prompts) : List.of(prompts.split("\\^"))) {
                found.add(request(file, n + 1, app, unquote(prompt), unquote(options),
                        synth ? SYNTH_OPTIONS : SYNTH_AND_RECOG_OPTIONS));
            }
        }
    }

    private static DialplanSpeak request(Path file, int line, String app, String prompt, String options,
                                         Map<String, String> optionHeaders) {
        if (DialplanSpeak.usesVariables(prompt) || DialplanSpeak.usesVariables(options)) {
            return DialplanSpeak.skip(file, line, app, "built from variables at call time");
        }
        if (prompt.isBlank()) {
            return DialplanSpeak.skip(file, line, app, "no text");
        }
        if (prompt.startsWith("audio:")) {
            return DialplanSpeak.skip(file, line, app, "a recording, not synthesis");
        }
        if (prompt.startsWith("/")) {
            return DialplanSpeak.skip(file, line, app, "text read from the file " + prompt + " at call time");
        }
        String type = DialplanSpeak.contentType(prompt, null, true);
        if (type == null) {
            return DialplanSpeak.skip(file, line, app, "a URI, which is never fetched");
        }
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(DialplanSpeak.CONTENT_TYPE, type);
        for (String option : options.split("&")) {
            int eq = option.indexOf('=');
            String header = eq < 0 ? null : optionHeaders.get(option.substring(0, eq).strip().toLowerCase(Locale.ROOT));
            if (header != null) {
                headers.put(header, option.substring(eq + 1));
            }
        }
        return DialplanSpeak.speak(file, line, app, prompt, headers);
    }

    /** Asterisk's application argument splitting: commas at depth 0 outside quotes; quotes and escapes removed. */
    static List<String> arguments(String raw) {
        List<String> args = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean quoted = false;
        int depth = 0;
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '\\' && i + 1 < raw.length()) {
                current.append(raw.charAt(++i));
            } else if (c == '"') {
                quoted = !quoted;
            } else if (c == ',' && !quoted && depth == 0) {
                args.add(current.toString());
                current.setLength(0);
            } else {
                depth += c == '(' ? 1 : c == ')' ? -1 : 0;
                current.append(c);
            }
        }
        args.add(current.toString());
        return args;
    }

    /** app_unimrcp's normalize_input_string: trimmed, and one pair of surrounding double quotes removed. */
    private static String unquote(String s) {
        String t = s.strip();
        return t.length() > 1 && t.startsWith("\"") && t.endsWith("\"") ? t.substring(1, t.length() - 1) : t;
    }

    /** The line without its {@code ;} comment ({@code \;} is a literal semicolon). */
    private static String withoutComment(String line) {
        for (int i = 0; i < line.length(); i++) {
            if (line.charAt(i) == '\\') {
                i++;
            } else if (line.charAt(i) == ';') {
                return line.substring(0, i);
            }
        }
        return line;
    }
}
