package io.xdpemu.runtime;

import io.xdpemu.ebpf.IoReasons;
import io.xdpemu.ebpf.UsageException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Output files that appear complete or not at all: each is written under a hidden temporary name
 * ({@code .NAME.partial}) in its final directory and renamed into place by {@link #commit()};
 * {@link #abort()} (or a failed run) deletes the temporaries, so an interrupted or failed command
 * never leaves a truncated {@code summary.json} or {@code pass.pcap} behind. A shutdown hook does
 * the same when the JVM is stopped (Ctrl-C) before the commit.
 */
public final class OutputFiles implements AutoCloseable {
  private record Pending(Path temp, Path target) {}

  private final List<Pending> pending = new ArrayList<>();
  private volatile boolean done;
  private Thread hook;

  /** Creates {@code dir} (and parents) when missing; a usage error when it cannot. */
  public static Path directory(Path dir) {
    try {
      if (Files.exists(dir) && !Files.isDirectory(dir)) {
        throw new UsageException("cannot write to " + dir + ": not a directory");
      }
      Files.createDirectories(dir);
      return dir;
    } catch (IOException e) {
      throw new UsageException("cannot create output directory " + dir + ": " + IoReasons.of(e));
    }
  }

  /** The temporary path to write {@code target}'s content to. */
  public synchronized Path temp(Path target) {
    Path parent = target.toAbsolutePath().getParent();
    Path t = parent.resolve("." + target.getFileName() + ".partial");
    pending.add(new Pending(t, target));
    if (hook == null) {
      hook = new Thread(this::deleteTemporaries, "xdpemu-output-cleanup");
      try {
        Runtime.getRuntime().addShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        hook = null;
      }
    }
    return t;
  }

  /** Moves every temporary into place. */
  public synchronized void commit() {
    try {
      for (Pending p : pending) {
        try {
          Files.move(
              p.temp,
              p.target,
              StandardCopyOption.REPLACE_EXISTING,
              StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
          Files.move(p.temp, p.target, StandardCopyOption.REPLACE_EXISTING);
        }
      }
      finished();
    } catch (IOException e) {
      abort();
      throw new UncheckedIOException(e);
    }
  }

  /** Deletes every temporary not yet moved. */
  public synchronized void abort() {
    deleteTemporaries();
    finished();
  }

  private void deleteTemporaries() {
    for (Pending p : pending) {
      try {
        Files.deleteIfExists(p.temp);
      } catch (IOException ignored) {
        // Best effort: the name is hidden and says .partial.
      }
    }
  }

  private void finished() {
    done = true;
    if (hook != null) {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // The hook is running or about to: nothing left for it to delete after a commit.
      }
      hook = null;
    }
  }

  @Override
  public void close() {
    if (!done) {
      abort();
    }
  }
}
