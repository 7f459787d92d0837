package miniserve.agent;

import miniserve.agent.Correction.ErrorCount;
import miniserve.language.ErrorType;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The error types of each learner's recent corrections, in memory and bounded both ways: at most
 * {@code maxLearners} learners (the least recently seen is forgotten first) and at most
 * {@code eventsPerLearner} errors per learner (the oldest is forgotten first). Thread-safe: the
 * model threads of the unbatched mode share one history.
 */
public final class LearnerHistory {

    public static final int DEFAULT_MAX_LEARNERS = 10_000;
    public static final int DEFAULT_EVENTS_PER_LEARNER = 50;
    public static final int DEFAULT_TOP = 3;

    private final int maxLearners;
    private final int eventsPerLearner;
    private final int top;
    private final LinkedHashMap<String, ArrayDeque<ErrorType>> learners;

    public LearnerHistory() {
        this(DEFAULT_MAX_LEARNERS, DEFAULT_EVENTS_PER_LEARNER, DEFAULT_TOP);
    }

    /** @param top how many error types {@link #record} returns */
    public LearnerHistory(int maxLearners, int eventsPerLearner, int top) {
        if (maxLearners < 1 || eventsPerLearner < 1 || top < 1)
            throw new IllegalArgumentException("bounds must be >= 1: learners " + maxLearners
                    + ", events " + eventsPerLearner + ", top " + top);
        this.maxLearners = maxLearners;
        this.eventsPerLearner = eventsPerLearner;
        this.top = top;
        // Access order: a learner seen again moves to the young end.
        this.learners = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, ArrayDeque<ErrorType>> eldest) {
                return size() > LearnerHistory.this.maxLearners;
            }
        };
    }

    /**
     * Adds the error types of one correction to the learner's history and returns the learner's
     * most frequent recent types, most frequent first (ties: the more recently seen first).
     */
    public synchronized List<ErrorCount> record(String learnerId, List<ErrorType> errors) {
        ArrayDeque<ErrorType> events = learners.computeIfAbsent(learnerId, id -> new ArrayDeque<>());
        for (ErrorType e : errors) {
            if (events.size() == eventsPerLearner) events.removeFirst();
            events.addLast(e);
        }
        return mostFrequent(events);
    }

    /** The learner's most frequent recent error types, without recording anything. */
    public synchronized List<ErrorCount> mostFrequent(String learnerId) {
        ArrayDeque<ErrorType> events = learners.get(learnerId);
        return events == null ? List.of() : mostFrequent(events);
    }

    public synchronized int learners() {
        return learners.size();
    }

    private List<ErrorCount> mostFrequent(ArrayDeque<ErrorType> events) {
        Map<ErrorType, Integer> counts = new EnumMap<>(ErrorType.class);
        Map<ErrorType, Integer> lastSeen = new EnumMap<>(ErrorType.class);
        int i = 0;
        for (ErrorType e : events) {
            counts.merge(e, 1, Integer::sum);
            lastSeen.put(e, i++);
        }
        List<ErrorType> types = new ArrayList<>(counts.keySet());
        types.sort(Comparator.comparing((ErrorType t) -> counts.get(t)).reversed()
                .thenComparing(Comparator.comparing((ErrorType t) -> lastSeen.get(t)).reversed()));
        List<ErrorCount> out = new ArrayList<>();
        for (ErrorType t : types.subList(0, Math.min(top, types.size()))) out.add(new ErrorCount(t, counts.get(t)));
        return out;
    }
}
