package dev.sdbot.bot.runtime;

import dev.sdbot.inference.api.GenerationRequest;
import dev.sdbot.inference.api.GenerationResult;
import dev.sdbot.inference.api.ImageGenerator;
import dev.sdbot.inference.api.ProgressListener;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** Several worker devices: concurrent jobs go to different engines, each engine's models are reported. */
class DeviceEnginesTest {

    /** Stands in for one device's engine: counts its jobs and holds each until released. */
    private static final class Engine implements ImageGenerator {
        final AtomicInteger jobs = new AtomicInteger();
        final CountDownLatch started;
        final CountDownLatch release;
        final String loaded;
        boolean closed;

        Engine(CountDownLatch started, CountDownLatch release, String loaded) {
            this.started = started;
            this.release = release;
            this.loaded = loaded;
        }

        @Override
        public GenerationResult generate(GenerationRequest request, ProgressListener listener) {
            jobs.incrementAndGet();
            started.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return null;
        }

        @Override
        public Set<String> availableModels() {
            return Set.of("a", "b");
        }

        @Override
        public Set<String> loadedModels() {
            return Set.of(loaded);
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    @Test
    void concurrentJobsSpreadOverTheDevices() throws Exception {
        CountDownLatch started = new CountDownLatch(2);
        CountDownLatch release = new CountDownLatch(1);
        Engine gpu0 = new Engine(started, release, "a");
        Engine gpu1 = new Engine(started, release, "b");
        DeviceEngines engines = new DeviceEngines(List.of(gpu0, gpu1));
        ExecutorService slots = Executors.newFixedThreadPool(2);
        try {
            Future<?> first = slots.submit(() -> engines.generate(null, ProgressListener.NONE));
            Future<?> second = slots.submit(() -> engines.generate(null, ProgressListener.NONE));
            assertThat(started.await(10, TimeUnit.SECONDS)).as("both jobs run at once").isTrue();
            assertThat(gpu0.jobs.get()).isEqualTo(1);
            assertThat(gpu1.jobs.get()).isEqualTo(1);
            release.countDown();
            first.get(10, TimeUnit.SECONDS);
            second.get(10, TimeUnit.SECONDS);
        } finally {
            slots.shutdownNow();
        }
        assertThat(engines.availableModels()).containsExactlyInAnyOrder("a", "b");
        assertThat(engines.loadedModels()).containsExactlyInAnyOrder("a", "b");
        engines.close();
        assertThat(gpu0.closed && gpu1.closed).isTrue();
    }
}
