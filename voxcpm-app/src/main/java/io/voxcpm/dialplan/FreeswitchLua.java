package io.voxcpm.dialplan;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * FreeSWITCH Lua scripts: {@code session:set_tts_params(engine, voice)}, {@code session:speak(text)} and
 * {@code session:execute("speak", data)}, in the order written. An argument counts when it is a string
 * literal or literals joined with {@code ..}; anything else (a variable, a function call) is only known at
 * call time, and the request is reported as skipped.
 */
final class FreeswitchLua {

    /** A token: a name, a string literal's value, {@code ..}, or one other character. */
    private record Token(Kind kind, String text, int line) { }

    private enum Kind { NAME, STRING, CONCAT, OTHER }

    /** Stands for an engine or voice only known at call time, so that what uses it is skipped. */
    private static final String AT_CALL_TIME = "${variable}";

    private FreeswitchLua() {
    }

    static void read(Path file, String source, FreeswitchTts tts, List<DialplanSpeak> found) {
        List<Token> tokens = tokens(source);
        String engine = null;
        String voice = null;
        for (int i = 0; i + 3 < tokens.size(); i++) {
            Token object = tokens.get(i);
            if (object.kind != Kind.NAME || !tokens.get(i + 1).text.equals(":") || tokens.get(i + 2).kind != Kind.NAME
                    || !tokens.get(i + 3).text.equals("(")) {
                continue;
            }
            String method = tokens.get(i + 2).text;
            String call = object.text + ":" + method;
            List<String> args = arguments(tokens, i + 4);
            switch (method) {
                case "set_tts_params" -> {
                    engine = args.isEmpty() || args.get(0) == null ? AT_CALL_TIME : args.get(0);
                    voice = args.size() < 2 ? null : args.get(1) == null ? AT_CALL_TIME : args.get(1);
                }
                case "speak" -> found.add(args.isEmpty() || args.get(0) == null
                        ? DialplanSpeak.skip(file, object.line, call, "built from variables at call time")
                        : tts.speak(file, object.line, call, engine, voice, args.get(0)));
                case "execute" -> {
                    if (args.size() == 2 && "speak".equals(args.get(0))) {
                        found.add(args.get(1) == null
                                ? DialplanSpeak.skip(file, object.line, call, "built from variables at call time")
                                : tts.speakData(file, object.line, call, args.get(1), engine, voice));
                    }
                }
                default -> { }
            }
        }
    }

    /** The call's arguments from {@code start} to its closing parenthesis: each literal's value, or null. */
    private static List<String> arguments(List<Token> tokens, int start) {
        List<String> args = new ArrayList<>();
        StringBuilder literal = new StringBuilder();
        boolean onlyLiterals = true;
        boolean any = false;
        int depth = 0;
        for (int i = start; i < tokens.size(); i++) {
            Token t = tokens.get(i);
            if (depth == 0 && (t.text.equals(",") && t.kind == Kind.OTHER || t.text.equals(")") && t.kind == Kind.OTHER)) {
                if (any) {
                    args.add(onlyLiterals ? literal.toString() : null);
                }
                if (t.text.equals(")")) {
                    return args;
                }
                literal.setLength(0);
                onlyLiterals = true;
                any = false;
                continue;
            }
            any = true;
            if (t.kind == Kind.OTHER && (t.text.equals("(") || t.text.equals("{") || t.text.equals("["))) {
                depth++;
            } else if (t.kind == Kind.OTHER && (t.text.equals(")") || t.text.equals("}") || t.text.equals("]"))) {
                depth--;
            }
            if (t.kind == Kind.STRING && depth == 0) {
                literal.append(t.text);
            } else if (t.kind != Kind.CONCAT) {
                onlyLiterals = false;
            }
        }
        return args;
    }

    /** Lua's lexical structure, as far as string literals, comments and names go. */
    private static List<Token> tokens(String s) {
        List<Token> tokens = new ArrayList<>();
        int line = 1;
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == '\n') {
                line++;
                i++;
            } else if (Character.isWhitespace(c)) {
                i++;
            } else if (s.startsWith("--", i)) {
                int level = longBracket(s, i + 2);
                int end = level >= 0 ? s.indexOf("]" + "=".repeat(level) + "]", i) : s.indexOf('\n', i);
                end = end < 0 ? s.length() : end + (level >= 0 ? level + 2 : 0);
                line += count(s, i, end);
                i = end;
            } else if (c == '"' || c == '\'') {
                StringBuilder value = new StringBuilder();
                int start = line;
                i++;
                while (i < s.length() && s.charAt(i) != c && s.charAt(i) != '\n') {
                    char d = s.charAt(i++);
                    if (d == '\\' && i < s.length()) {
                        char e = s.charAt(i++);
                        switch (e) {
                            case 'n' -> value.append('\n');
                            case 't' -> value.append('\t');
                            case 'r' -> value.append('\r');
                            case '\n' -> {
                                value.append('\n');
                                line++;
                            }
                            default -> value.append(e);
                        }
                    } else {
                        value.append(d);
                    }
                }
                i++;
                tokens.add(new Token(Kind.STRING, value.toString(), start));
            } else if (c == '[' && longBracket(s, i) >= 0) {
                int level = longBracket(s, i);
                int open = i + level + 2;
                int close = s.indexOf("]" + "=".repeat(level) + "]", open);
                close = close < 0 ? s.length() : close;
                String body = s.substring(open, close);
                tokens.add(new Token(Kind.STRING, body.startsWith("\n") ? body.substring(1) : body, line));
                line += count(s, i, close);
                i = Math.min(s.length(), close + level + 2);
            } else if (Character.isLetter(c) || c == '_') {
                int start = i;
                while (i < s.length() && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '_')) {
                    i++;
                }
                tokens.add(new Token(Kind.NAME, s.substring(start, i), line));
            } else if (s.startsWith("..", i)) {
                tokens.add(new Token(Kind.CONCAT, "..", line));
                i += 2;
            } else {
                tokens.add(new Token(Kind.OTHER, String.valueOf(c), line));
                i++;
            }
        }
        return tokens;
    }

    /** The level of a long bracket {@code [==[} opening at {@code at}, or -1. */
    private static int longBracket(String s, int at) {
        if (at >= s.length() || s.charAt(at) != '[') {
            return -1;
        }
        int level = 0;
        while (at + 1 + level < s.length() && s.charAt(at + 1 + level) == '=') {
            level++;
        }
        return at + 1 + level < s.length() && s.charAt(at + 1 + level) == '[' ? level : -1;
    }

    private static int count(String s, int from, int to) {
        int n = 0;
        for (int i = from; i < to && i < s.length(); i++) {
            if (s.charAt(i) == '\n') {
                n++;
            }
        }
        return n;
    }
}
