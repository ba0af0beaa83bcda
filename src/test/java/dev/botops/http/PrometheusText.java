package dev.botops.http;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict parser of the Prometheus text exposition format 0.0.4 (the official Java client ships a writer but
 * no parser): every line must be a HELP, TYPE or comment line or a well-formed sample; a family's TYPE comes
 * before its samples, once; a family's samples are contiguous; a series appears once; label values use only the
 * escapes the format allows; values parse as the format's floats; the text ends with a newline.
 */
final class PrometheusText {
    private static final String NAME = "[a-zA-Z_:][a-zA-Z0-9_:]*";
    private static final Pattern HELP = Pattern.compile("# HELP (" + NAME + ") ((?:[^\\\\\\n]|\\\\[\\\\n])*)");
    private static final Pattern TYPE = Pattern.compile("# TYPE (" + NAME + ") (counter|gauge|histogram|summary|untyped)");
    private static final Pattern SAMPLE = Pattern.compile("(" + NAME + ")(?:\\{(.*)})? ([^ ]+)(?: (-?[0-9]+))?");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\\\n]|\\\\[\\\\\"n])*)\"(,|$)");
    private static final Pattern FLOAT = Pattern.compile("[+-]?(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)(?:[eE][+-]?[0-9]+)?|[+-]?Inf|NaN");

    /** One sample line. */
    record Sample(String name, Map<String, String> labels, double value) {
    }

    private final Map<String, String> types;
    private final List<Sample> samples;

    private PrometheusText(Map<String, String> types, List<Sample> samples) {
        this.types = types;
        this.samples = samples;
    }

    /** Parses the text or throws {@link IllegalArgumentException} naming the first offending line. */
    static PrometheusText parse(String text) {
        if (!text.isEmpty() && !text.endsWith("\n")) {
            throw new IllegalArgumentException("The exposition does not end with a newline");
        }
        Map<String, String> types = new LinkedHashMap<>();
        Set<String> helped = new HashSet<>();
        Set<String> closedFamilies = new HashSet<>();
        Set<String> series = new HashSet<>();
        List<Sample> samples = new ArrayList<>();
        String currentFamily = null;
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length - 1; i++) {
            String line = lines[i];
            int number = i + 1;
            if (line.isEmpty()) {
                continue;
            }
            Matcher m;
            if ((m = HELP.matcher(line)).matches()) {
                require(helped.add(m.group(1)), number, "second HELP for " + m.group(1));
                currentFamily = switchFamily(currentFamily, m.group(1), closedFamilies, number);
            } else if ((m = TYPE.matcher(line)).matches()) {
                require(!types.containsKey(m.group(1)), number, "second TYPE for " + m.group(1));
                currentFamily = switchFamily(currentFamily, m.group(1), closedFamilies, number);
                types.put(m.group(1), m.group(2));
            } else if (line.startsWith("#")) {
                require(!line.startsWith("# HELP") && !line.startsWith("# TYPE"), number, "malformed HELP or TYPE line: " + line);
            } else if ((m = SAMPLE.matcher(line)).matches()) {
                String name = m.group(1);
                String family = familyOf(name, types);
                require(family != null, number, "sample before the TYPE of its family: " + line);
                currentFamily = switchFamily(currentFamily, family, closedFamilies, number);
                Map<String, String> labels = labels(m.group(2), number);
                require(FLOAT.matcher(m.group(3)).matches(), number, "value is not a float: " + m.group(3));
                require(series.add(name + new TreeMap<>(labels)), number, "duplicate series: " + line);
                samples.add(new Sample(name, labels, Double.parseDouble(m.group(3).replace("Inf", "Infinity"))));
            } else {
                throw new IllegalArgumentException("Line " + number + " is not valid exposition format: " + line);
            }
        }
        return new PrometheusText(types, samples);
    }

    /** Families may not be interleaved: once another family started, an earlier one may not come back. */
    private static String switchFamily(String current, String next, Set<String> closed, int number) {
        if (next.equals(current)) {
            return current;
        }
        require(!closed.contains(next), number, "family " + next + " is split into several groups");
        if (current != null) {
            closed.add(current);
        }
        return next;
    }

    /** The family a sample name belongs to: itself, or the summary/histogram/counter family it is a part of. */
    private static String familyOf(String name, Map<String, String> types) {
        if (types.containsKey(name)) {
            return name;
        }
        for (String suffix : List.of("_total", "_created", "_sum", "_count", "_bucket")) {
            if (name.endsWith(suffix)) {
                String base = name.substring(0, name.length() - suffix.length());
                if (types.containsKey(base)) {
                    return base;
                }
            }
        }
        return null;
    }

    private static Map<String, String> labels(String text, int number) {
        Map<String, String> labels = new LinkedHashMap<>();
        if (text == null || text.isEmpty()) {
            return labels;
        }
        Matcher m = LABEL.matcher(text);
        int at = 0;
        while (at < text.length()) {
            require(m.find(at) && m.start() == at, number, "malformed labels: {" + text + "}");
            require(labels.put(m.group(1), unescape(m.group(2))) == null, number, "label given twice: " + m.group(1));
            at = m.end();
        }
        return labels;
    }

    private static String unescape(String value) {
        return value.replace("\\n", "\n").replace("\\\"", "\"").replace("\\\\", "\\");
    }

    private static void require(boolean condition, int line, String problem) {
        if (!condition) {
            throw new IllegalArgumentException("Line " + line + ": " + problem);
        }
    }

    /** The TYPE of each family, in order. */
    Map<String, String> types() {
        return types;
    }

    List<Sample> samples() {
        return samples;
    }

    /** The value of the one series with this name and these labels (given as name, value pairs). */
    double value(String name, String... labelPairs) {
        Map<String, String> wanted = new HashMap<>();
        for (int i = 0; i < labelPairs.length; i += 2) {
            wanted.put(labelPairs[i], labelPairs[i + 1]);
        }
        return samples.stream().filter(s -> s.name().equals(name) && s.labels().equals(wanted)).findFirst()
                .map(Sample::value)
                .orElseThrow(() -> new AssertionError("No series " + name + wanted + " in the exposition"));
    }
}
