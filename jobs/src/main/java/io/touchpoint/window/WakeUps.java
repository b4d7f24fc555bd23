package io.touchpoint.window;

import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * Event-time wake-ups of keys, kept by a keyed operator beside its state instead of in Flink's timer service: a
 * sorted map of minute buckets, each two parallel arrays (instant, key). Adding is an append; a watermark takes the
 * buckets it passed in order. Flink's heap timer queue keeps a timer object, a hash-set entry and a heap slot per
 * timer, and every insert, delete and poll sifts through a heap as large as all the keys with a timer; here an entry
 * costs its instant and a reference, and nothing is ever looked up or deleted.
 *
 * <p>Entries are never removed early: an owner whose key's wake-up moves adds an entry at the new instant and
 * leaves the old one, which it recognises as stale when it comes due (its instant is no longer the one its state
 * derives) and skips. So the owner's state must determine the key's wake-up, and the owner must add an entry
 * whenever that instant changes. Not checkpointed: the owner rebuilds the entries from its state on restore.
 */
public final class WakeUps<K> {

    /** Takes a due entry; may add entries (at later instants). */
    @FunctionalInterface
    public interface Visitor<K> {
        void wake(long at, K key) throws Exception;
    }

    private final TreeMap<Long, Bucket> buckets = new TreeMap<>();
    /** The buckets added to last: most entries go to a few minutes (near the watermark, or one lateness later). */
    private final long[] recentMinutes = new long[4];
    private final Bucket[] recentBuckets = new Bucket[4];
    private int recentNext;
    private long size;

    /** Adds a wake-up of {@code key} at {@code at}; {@link Long#MAX_VALUE} means none and is not added. */
    public void add(long at, K key) {
        if (at == Long.MAX_VALUE) {
            return;
        }
        long minute = Math.floorDiv(at, Minutes.MINUTE);
        bucket(minute).add(at, key);
        size++;
    }

    private Bucket bucket(long minute) {
        for (int i = 0; i < recentBuckets.length; i++) {
            if (recentBuckets[i] != null && recentMinutes[i] == minute) {
                return recentBuckets[i];
            }
        }
        Bucket b = buckets.get(minute);
        if (b == null) {
            b = new Bucket();
            buckets.put(minute, b);
        }
        recentMinutes[recentNext] = minute;
        recentBuckets[recentNext] = b;
        recentNext = (recentNext + 1) % recentBuckets.length;
        return b;
    }

    private void forget(Bucket b) {
        for (int i = 0; i < recentBuckets.length; i++) {
            if (recentBuckets[i] == b) {
                recentBuckets[i] = null;
            }
        }
    }

    /**
     * Passes every entry at or before {@code watermark} to the visitor and removes it, bucket by bucket in time order
     * (within a bucket in the order they were added); entries the visitor adds at or before the watermark are taken
     * in the same call unless they fall in the minute of the watermark itself.
     */
    @SuppressWarnings("unchecked")
    public void advance(long watermark, Visitor<K> visitor) throws Exception {
        long last = Math.floorDiv(watermark, Minutes.MINUTE);
        while (!buckets.isEmpty()) {
            Map.Entry<Long, Bucket> first = buckets.firstEntry();
            if (first.getKey() > last) {
                return;
            }
            buckets.pollFirstEntry();
            Bucket b = first.getValue();
            forget(b);
            size -= b.size;
            // The entries not yet due (only in the watermark's own minute) stay in this bucket, moved to its front;
            // what the visitor adds meanwhile goes to a new bucket of the map, appended to this one afterwards.
            int kept = 0;
            for (int i = 0; i < b.size; i++) {
                if (b.at[i] <= watermark) {
                    visitor.wake(b.at[i], (K) b.keys[i]);
                } else {
                    b.at[kept] = b.at[i];
                    b.keys[kept] = b.keys[i];
                    kept++;
                }
            }
            if (first.getKey() == last) {
                keep(last, b, kept);
                return;
            }
        }
    }

    /** Puts back the first {@code kept} entries of a bucket taken from the map, with what was added to its minute. */
    private void keep(long minute, Bucket b, int kept) {
        Arrays.fill(b.keys, kept, b.size, null);
        b.size = kept;
        Bucket added = buckets.get(minute);
        if (added != null) {
            forget(added);
            for (int i = 0; i < added.size; i++) {
                b.add(added.at[i], added.keys[i]);
            }
        } else if (kept == 0) {
            return;
        }
        buckets.put(minute, b);
        size += kept;
    }

    /** Entries held, stale ones included. */
    public long size() {
        return size;
    }

    /** The distinct keys with an entry, stale ones included (for tests). */
    @SuppressWarnings("unchecked")
    public java.util.Set<K> keys() {
        java.util.Set<K> keys = new java.util.HashSet<>();
        for (Bucket b : buckets.values()) {
            for (int i = 0; i < b.size; i++) {
                keys.add((K) b.keys[i]);
            }
        }
        return keys;
    }

    private static final class Bucket {
        long[] at = new long[4];
        Object[] keys = new Object[4];
        int size;

        void add(long instant, Object key) {
            if (size == at.length) {
                int grown = size + (size >> 1);
                at = Arrays.copyOf(at, grown);
                keys = Arrays.copyOf(keys, grown);
            }
            at[size] = instant;
            keys[size] = key;
            size++;
        }
    }
}
