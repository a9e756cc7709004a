package dev.sdbot.inference.pipeline;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Loaded models, least recently used first out, bounded by the bytes their weights take. A model in use
 * is never evicted; the bound may be exceeded while several are in use at once.
 */
final class ModelCache implements AutoCloseable {

    /** A model and the bytes its weights take. */
    record Loaded(DiffusionModel model, long bytes) {
    }

    /** Loads one model's weights into {@code manager}. */
    @FunctionalInterface
    interface Loader {
        Loaded load(String name, NDManager manager);
    }

    /** A model held for one request; closing it lets the cache evict the model again. */
    final class Lease implements AutoCloseable {
        private final Entry entry;
        private boolean closed;

        private Lease(Entry entry) {
            this.entry = entry;
        }

        DiffusionModel model() {
            return entry.model;
        }

        @Override
        public void close() {
            synchronized (ModelCache.this) {
                if (!closed) {
                    closed = true;
                    entry.users--;
                    evict();
                }
            }
        }
    }

    private static final class Entry {
        final NDManager manager;
        final DiffusionModel model;
        final long bytes;
        int users;

        Entry(NDManager manager, DiffusionModel model, long bytes) {
            this.manager = manager;
            this.model = model;
            this.bytes = bytes;
        }
    }

    private final long budgetBytes;
    private final Loader loader;
    private final Map<String, Entry> entries = new LinkedHashMap<>(16, 0.75f, true);

    private final Device device;

    ModelCache(long budgetBytes, Device device, Loader loader) {
        this.budgetBytes = budgetBytes;
        this.device = device;
        this.loader = loader;
    }

    /** The model, loaded if needed (loading holds the cache: one load at a time). */
    synchronized Lease acquire(String name) {
        return acquire(name, manager -> loader.load(name, manager));
    }

    /** The entry under {@code key}, built by {@code load} if needed (a model variant, e.g. with LoRAs merged). */
    synchronized Lease acquire(String key, Function<NDManager, Loaded> load) {
        Entry entry = entries.get(key);
        if (entry == null) {
            NDManager manager = NDManager.newBaseManager(device);
            try {
                Loaded loaded = load.apply(manager);
                entry = new Entry(manager, loaded.model(), loaded.bytes());
            } catch (RuntimeException | Error e) {
                manager.close();
                throw e;
            }
            entries.put(key, entry);
        }
        entry.users++;
        Lease lease = new Lease(entry);
        evict();
        return lease;
    }

    synchronized Set<String> loaded() {
        return new LinkedHashSet<>(entries.keySet());
    }

    private void evict() {
        long total = entries.values().stream().mapToLong(e -> e.bytes).sum();
        Iterator<Entry> it = entries.values().iterator();
        while (total > budgetBytes && it.hasNext()) {
            Entry e = it.next();
            if (e.users == 0) {
                it.remove();
                total -= e.bytes;
                e.manager.close();
            }
        }
    }

    @Override
    public synchronized void close() {
        entries.values().forEach(e -> e.manager.close());
        entries.clear();
    }
}
