package miniserve.lab;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The samples of one {@code GET /metrics} scrape, parsed from the Prometheus text format
 * ({@code name{label="value",...} number} per line; comments and blank lines ignored).
 */
public final class MetricsSnapshot {

    public record Sample(String name, Map<String, String> labels, double value) {}

    private final List<Sample> samples;

    private MetricsSnapshot(List<Sample> samples) {
        this.samples = Collections.unmodifiableList(samples);
    }

    public static final MetricsSnapshot EMPTY = new MetricsSnapshot(List.of());

    public static MetricsSnapshot parse(String text) {
        List<Sample> out = new ArrayList<>();
        int lineNo = 0;
        for (String raw : text.split("\n")) {
            lineNo++;
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) continue;
            try {
                out.add(parseLine(line));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("metrics line " + lineNo + " is not Prometheus text: " + line);
            }
        }
        return new MetricsSnapshot(out);
    }

    private static Sample parseLine(String line) {
        int brace = line.indexOf('{');
        int space = line.indexOf(' ');
        String name;
        Map<String, String> labels = new LinkedHashMap<>();
        int rest;
        if (brace >= 0 && (space < 0 || brace < space)) {
            name = line.substring(0, brace);
            int i = brace + 1;
            while (true) {
                while (i < line.length() && (line.charAt(i) == ',' || line.charAt(i) == ' ')) i++;
                if (line.charAt(i) == '}') { i++; break; }
                int eq = line.indexOf('=', i);
                String key = line.substring(i, eq).strip();
                if (line.charAt(eq + 1) != '"') throw new IllegalArgumentException();
                StringBuilder v = new StringBuilder();
                int j = eq + 2;
                for (; line.charAt(j) != '"'; j++) {
                    char c = line.charAt(j);
                    if (c == '\\') {
                        char n = line.charAt(++j);
                        v.append(n == 'n' ? '\n' : n);
                    } else v.append(c);
                }
                labels.put(key, v.toString());
                i = j + 1;
            }
            rest = i;
        } else {
            name = line.substring(0, space);
            rest = space;
        }
        String[] valueAndTime = line.substring(rest).strip().split("\\s+");
        return new Sample(name, Collections.unmodifiableMap(labels), parseNumber(valueAndTime[0]));
    }

    static double parseNumber(String s) {
        return switch (s) {
            case "+Inf", "Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            case "NaN" -> Double.NaN;
            default -> Double.parseDouble(s);
        };
    }

    public List<Sample> samples() {
        return samples;
    }

    /** Whether any sample has this name. */
    public boolean has(String name) {
        return samples.stream().anyMatch(s -> s.name().equals(name));
    }

    /** The sum of a metric over all its label sets, or NaN when the server does not expose it. */
    public double sum(String name) {
        double total = 0;
        boolean found = false;
        for (Sample s : samples)
            if (s.name().equals(name)) {
                total += s.value();
                found = true;
            }
        return found ? total : Double.NaN;
    }

    /** The value of a metric with one label set to a value (summed over its other labels), or NaN. */
    public double value(String name, String label, String labelValue) {
        double total = 0;
        boolean found = false;
        for (Sample s : samples)
            if (s.name().equals(name) && labelValue.equals(s.labels().get(label))) {
                total += s.value();
                found = true;
            }
        return found ? total : Double.NaN;
    }

    /** A histogram's cumulative bucket counts by upper bound ({@code le}), from its {@code _bucket} samples. */
    public SortedMap<Double, Double> cumulativeBuckets(String histogram) {
        SortedMap<Double, Double> out = new TreeMap<>();
        for (Sample s : samples)
            if (s.name().equals(histogram + "_bucket") && s.labels().containsKey("le"))
                out.merge(parseNumber(s.labels().get("le")), s.value(), Double::sum);
        return out;
    }
}
