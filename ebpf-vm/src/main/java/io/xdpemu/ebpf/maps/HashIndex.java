package io.xdpemu.ebpf.maps;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.function.IntConsumer;

/**
 * The key-to-slot index of a {@link HashTableMap}: open addressing with linear probing over one
 * {@code long[]}, each entry {@code (hash << 32) | (slot + 1)}, the key bytes themselves living in
 * the map's key store (keys of up to 16 bytes also beside the entries, as two longs). A lookup
 * reads the key where the program keeps it, and compares the 32-bit hash and then the key words of
 * the few entries on its probe path: no key object, no boxing, no virtual {@code equals}, nothing
 * allocated.
 *
 * <pre>
 *  entry: 0 = empty (ends a probe), TOMBSTONE = deleted (probes go on), else hash:32 | slot+1:32
 * </pre>
 *
 * <p>Lookups take no lock. Writers hold the map's lock; they write the key bytes before they
 * publish an entry (release), and a lookup reads entries with acquire, so a published slot's key is
 * visible. A lookup that races with a delete or a replacement may still return the element it found
 * (an RCU reader of the kernel's htab does too); a reused slot is caught by the key comparison. The
 * table is at most half full (tombstones included); past that it is rebuilt into a new array,
 * published through a volatile field, so a probe always meets an empty entry and ends.
 */
final class HashIndex {
  private static final VarHandle ENTRY = MethodHandles.arrayElementVarHandle(long[].class);
  private static final int MIN_SIZE = 16;

  /** A deleted entry: not empty (probes go on), slot part 0 (matches nothing). */
  private static final long TOMBSTONE = 0xffffffff00000000L;

  private final SlotStore keys;
  private final int keySize;

  /** Keys of up to 16 bytes are also kept beside their entries, as two longs. */
  private final boolean small;

  /**
   * The entries and, for small keys, the key words at the same positions (w0 at {@code 2i}, w1 at
   * {@code 2i + 1}): a probe compares two longs, without going to the key store.
   */
  private record Table(long[] entries, long[] words) {
    Table(int size, boolean small) {
      this(new long[size], small ? new long[2 * size] : null);
    }
  }

  private volatile Table table;
  private int live;
  private int used; // live entries and tombstones

  HashIndex(SlotStore keys, int keySize) {
    this.keys = keys;
    this.keySize = keySize;
    this.small = keySize <= 16;
    this.table = new Table(MIN_SIZE, small);
  }

  private static long entry(int hash, int slot) {
    return ((long) hash << 32) | ((slot + 1) & 0xffffffffL);
  }

  private static int slotOf(long e) {
    return (int) e - 1;
  }

  private int hash(byte[] b, int off) {
    return small
        ? KeyBytes.hash(KeyBytes.word0(b, off, keySize), KeyBytes.word1(b, off, keySize))
        : KeyBytes.hash(b, off, keySize);
  }

  /** The slot holding the key {@code b[off, off + keySize)}, or -1. Lock-free. */
  int find(byte[] b, int off) {
    if (!small) {
      return findLarge(b, off);
    }
    long w0 = KeyBytes.word0(b, off, keySize);
    long w1 = KeyBytes.word1(b, off, keySize);
    int h = KeyBytes.hash(w0, w1);
    Table t = table;
    long[] es = t.entries;
    long[] ws = t.words;
    int mask = es.length - 1;
    for (int i = h & mask; ; i = (i + 1) & mask) {
      long e = (long) ENTRY.getAcquire(es, i);
      if (e == 0) {
        return -1;
      }
      if ((int) (e >>> 32) == h && (int) e != 0 && ws[2 * i] == w0 && ws[2 * i + 1] == w1) {
        VarHandle.loadLoadFence();
        if ((long) ENTRY.getAcquire(es, i) == e) { // the words read were this entry's
          return slotOf(e);
        }
        i = ((h & mask) - 1) & mask; // the position changed under us: probe again
      }
    }
  }

  private int findLarge(byte[] b, int off) {
    int h = KeyBytes.hash(b, off, keySize);
    long[] es = table.entries;
    int mask = es.length - 1;
    for (int i = h & mask; ; i = (i + 1) & mask) {
      long e = (long) ENTRY.getAcquire(es, i);
      if (e == 0) {
        return -1;
      }
      if ((int) (e >>> 32) == h && (int) e != 0) {
        int slot = slotOf(e);
        if (KeyBytes.equal(b, off, keys.bytes(0, slot), keys.offset(slot), keySize)) {
          return slot;
        }
      }
    }
  }

  /** Where {@code slot}'s entry is, or -1 (writers only). */
  private int positionOf(long[] es, int slot) {
    int h = hash(keys.bytes(0, slot), keys.offset(slot));
    int mask = es.length - 1;
    for (int i = h & mask; ; i = (i + 1) & mask) {
      long e = es[i];
      if (e == 0) {
        return -1;
      }
      if ((int) e != 0 && slotOf(e) == slot) {
        return i;
      }
    }
  }

  /** Adds {@code slot}, whose key (already in the key store) is absent. Under the map's lock. */
  void add(int slot) {
    if (2 * (used + 1) > table.entries.length) {
      rebuild();
    }
    Table t = table;
    long[] es = t.entries;
    byte[] kb = keys.bytes(0, slot);
    int ko = keys.offset(slot);
    int h = hash(kb, ko);
    int mask = es.length - 1;
    int i = h & mask;
    while (es[i] != 0 && (int) es[i] != 0) {
      i = (i + 1) & mask;
    }
    if (es[i] == 0) {
      used++;
    }
    live++;
    if (small) {
      t.words[2 * i] = KeyBytes.word0(kb, ko, keySize);
      t.words[2 * i + 1] = KeyBytes.word1(kb, ko, keySize);
    }
    ENTRY.setRelease(es, i, entry(h, slot)); // after the words: a reader that sees it sees them
  }

  /**
   * Points the entry of {@code oldSlot} at {@code newSlot}, which holds the same key, in one store:
   * a concurrent lookup finds one or the other, never neither. Under the map's lock.
   */
  void replace(int oldSlot, int newSlot) {
    long[] es = table.entries;
    int i = positionOf(es, oldSlot);
    if (i < 0) {
      throw new IllegalStateException("slot " + oldSlot + " is not in the index");
    }
    ENTRY.setRelease(es, i, entry((int) (es[i] >>> 32), newSlot));
  }

  /** Removes {@code slot}'s entry; false when it has none. Under the map's lock. */
  boolean remove(int slot) {
    long[] es = table.entries;
    int i = positionOf(es, slot);
    if (i < 0) {
      return false;
    }
    ENTRY.setRelease(es, i, TOMBSTONE);
    live--;
    return true;
  }

  /** A new table for the live entries, at most a quarter full, tombstones dropped. */
  private void rebuild() {
    int size = MIN_SIZE;
    while (size < 4 * (live + 1)) {
      size <<= 1;
    }
    Table old = table;
    Table t = new Table(size, small);
    int mask = size - 1;
    for (int j = 0; j < old.entries.length; j++) {
      long e = old.entries[j];
      if ((int) e != 0) {
        int i = (int) (e >>> 32) & mask;
        while (t.entries[i] != 0) {
          i = (i + 1) & mask;
        }
        t.entries[i] = e;
        if (small) {
          t.words[2 * i] = old.words[2 * j];
          t.words[2 * i + 1] = old.words[2 * j + 1];
        }
      }
    }
    used = live;
    table = t; // volatile: publishes the filled arrays
  }

  /** Every slot present, in table order (callers sort). */
  void forEachSlot(IntConsumer action) {
    for (long e : table.entries) {
      if ((int) e != 0) {
        action.accept(slotOf(e));
      }
    }
  }
}
