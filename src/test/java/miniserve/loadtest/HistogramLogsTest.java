package miniserve.loadtest;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class HistogramLogsTest {

    @TempDir Path dir;

    @Test
    void theLogHoldsEveryLatencyOfTheRunInPerSecondIntervals() throws Exception {
        LoadTestSpec spec = LoadTestSpec.closedLoop(URI.create("http://127.0.0.1:1"), 1, 6);
        long s = 1_000_000_000L, ms = 1_000_000L;
        long start = 50 * s;
        List<RequestRecord> recs = new ArrayList<>();
        // four answered in the first second, one in the third, one timeout in the third, one transport error
        recs.add(new RequestRecord(0, start, start, start + 10 * ms, 200, RequestRecord.Outcome.RESPONSE, null));
        recs.add(new RequestRecord(1, start, start, start + 20 * ms, 200, RequestRecord.Outcome.RESPONSE, null));
        recs.add(new RequestRecord(2, start, start, start + 30 * ms, 500, RequestRecord.Outcome.RESPONSE, "boom"));
        recs.add(new RequestRecord(3, start, start, start + 900 * ms, 200, RequestRecord.Outcome.RESPONSE, null));
        recs.add(new RequestRecord(4, start + s, start + s, start + 2500 * ms, 200, RequestRecord.Outcome.RESPONSE, null));
        recs.add(new RequestRecord(5, start + s, start + s, start + 2600 * ms, 0, RequestRecord.Outcome.TIMEOUT, "late"));
        recs.add(new RequestRecord(6, start, start, start + 1 * ms, 0, RequestRecord.Outcome.ERROR, "refused"));
        LoadTestResult r = new LoadTestResult(spec, "test", 7, recs, start, 1_700_000_000_000L, start + 2600 * ms,
                LoadTestResult.WarmupSummary.NONE);

        Path log = dir.resolve("run.hlog");
        HistogramLogs.write(log, r);

        HistogramLogReader reader = new HistogramLogReader(log.toFile());
        List<Histogram> read = new ArrayList<>();
        Histogram h;
        while ((h = (Histogram) reader.nextIntervalHistogram()) != null) read.add(h);
        assertThat(read).hasSize(3);
        assertThat(read.stream().mapToLong(Histogram::getTotalCount)).containsExactly(4L, 0L, 2L);
        Histogram all = LoadTestResult.newHistogram();
        read.forEach(all::add);
        assertThat(all).isEqualTo(r.latencyHistogram());
        assertThat(all.getTotalCount()).isEqualTo(6); // the transport error has no latency
        assertThat(r.latencyHistogram().getMaxValue()).isEqualTo(r.latencyHistogram().highestEquivalentValue(1600 * ms));
    }
}
