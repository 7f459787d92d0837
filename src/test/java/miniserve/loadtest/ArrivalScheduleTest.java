package miniserve.loadtest;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class ArrivalScheduleTest {

    @Test
    void arrivalsFormAPoissonProcessOfTheGivenRate() {
        long[] t = ArrivalSchedule.poisson(1, 1000, Duration.ofSeconds(100));
        // about rate x duration arrivals (the standard deviation of a Poisson count of 1e5 is ~316)
        assertThat(t.length).isBetween(100_000 - 1500, 100_000 + 1500);
        double sum = 0, sumSq = 0;
        long prev = 0;
        for (long x : t) {
            assertThat(x).isGreaterThanOrEqualTo(prev).isLessThan(100_000_000_000L);
            double gap = x - prev;
            sum += gap;
            sumSq += gap * gap;
            prev = x;
        }
        double mean = sum / t.length, sd = Math.sqrt(sumSq / t.length - mean * mean);
        assertThat(mean).isCloseTo(1e6, within(2e4));       // 1 ms mean gap
        assertThat(sd / mean).isCloseTo(1.0, within(0.03)); // exponential gaps: coefficient of variation 1
    }

    @Test
    void theScheduleIsDeterministicForASeed() {
        assertThat(ArrivalSchedule.poisson(9, 50, Duration.ofSeconds(2)))
                .isEqualTo(ArrivalSchedule.poisson(9, 50, Duration.ofSeconds(2)))
                .isNotEqualTo(ArrivalSchedule.poisson(10, 50, Duration.ofSeconds(2)));
    }
}
