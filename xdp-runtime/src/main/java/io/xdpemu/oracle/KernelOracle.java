package io.xdpemu.oracle;

import io.xdpemu.ebpf.MalformedInputException;
import io.xdpemu.ebpf.ProgramRejectedException;
import io.xdpemu.ebpf.UsageException;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The running Linux kernel as the oracle: one XDP program loaded with libbpf and run with {@code
 * BPF_PROG_TEST_RUN}, packet after packet, with map state kept between packets (what {@code xdpemu
 * diff} and the differential tests compare the emulator with).
 *
 * <p>It drives a small C process, {@code xdpemu-oracle} (source {@code src/main/c}, built by {@link
 * OracleBinary} at first use), over a line protocol on its stdin/stdout described in that source.
 * One instance is one loaded program; instances are thread-safe but serialise their calls.
 *
 * <pre>{@code
 * try (KernelOracle k = KernelOracle.open(obj, "xdp_bounce", null)) {
 *   OracleResult r = k.run(new byte[0], frame, 1);   // r.retval() == 3 (XDP_TX)
 *   Map<String, MapContents> maps = k.maps();
 * }
 * }</pre>
 */
public final class KernelOracle implements AutoCloseable {
  private static final long EXIT_TIMEOUT_SECONDS = 10;
  private static final HexFormat HEX = HexFormat.of();

  private final Path object;
  private final String program;
  private final Process process;
  private final BufferedReader replies;
  private final BufferedWriter commands;
  private final StderrTail stderr;
  private final int programId;
  private final int possibleCpus;
  private final Path pinRoot;
  private boolean closed;

  /**
   * The CPU the oracle runs on (sched_setaffinity): BPF_PROG_TEST_RUN runs the program on the
   * calling CPU, so per-CPU map values land in this slot, the one xdpemu's test run uses ({@code
   * TestRun} runs on CPU 0, queue 0). Without it the process migrates and values scatter.
   */
  public static final int CPU = 0;

  private KernelOracle(Path object, String program, Process process, StderrTail stderr) {
    this.object = object;
    this.program = program;
    this.process = process;
    this.stderr = stderr;
    this.replies =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.US_ASCII));
    this.commands =
        new BufferedWriter(
            new OutputStreamWriter(process.getOutputStream(), StandardCharsets.US_ASCII));
    String ready = readReply("load");
    if (!ready.startsWith("ready ")) {
      throw loadFailure(ready);
    }
    Map<String, String> fields = fields(ready, 1);
    this.programId = Integer.parseInt(fields.getOrDefault("id", "0"));
    this.possibleCpus = Integer.parseInt(fields.getOrDefault("ncpus", "0"));
    String pins = fields.getOrDefault("pins", "-");
    this.pinRoot = pins.equals("-") ? null : Path.of(pins);
  }

  /** True when root, the bpf() syscall, gcc and the libbpf headers are all here. */
  public static boolean available() {
    return unavailableReason().isEmpty();
  }

  /** Why {@link #available()} is false, for skip messages; empty when it is true. */
  public static Optional<String> unavailableReason() {
    return OracleBinary.unavailableReason();
  }

  /**
   * Loads {@code program} (function or section name) of {@code object} into the kernel as XDP.
   *
   * @param customBtf target BTF for CO-RE relocation (libbpf's {@code btf_custom_path}), e.g. a
   *     file merging vmlinux and a NIC's BTF; null for the kernel's own BTF
   * @throws ProgramRejectedException when the kernel (verifier) or libbpf (CO-RE) rejects it; the
   *     message carries libbpf's output, including the verifier log
   * @throws UsageException when the object has no such program or a file is unreadable
   * @throws KernelOracleException when the oracle is unavailable or broke
   */
  public static KernelOracle open(Path object, String program, Path customBtf) {
    return open(object, program, customBtf, 0);
  }

  /**
   * As {@link #open(Path, String, Path)}, with every map the object declares with {@code
   * max_entries 0} (other than a PERF_EVENT_ARRAY, which libbpf sizes) given {@code
   * userSizedEntries} entries before it is created, as the tool that ships such an object does at
   * load time; 0 leaves them as declared (the kernel then refuses them).
   */
  public static KernelOracle open(
      Path object, String program, Path customBtf, int userSizedEntries) {
    requireReadable(object, "object");
    if (customBtf != null) {
      requireReadable(customBtf, "BTF");
    }
    unavailableReason()
        .ifPresent(
            reason -> {
              throw new KernelOracleException("unavailable: " + reason);
            });
    List<String> command = new ArrayList<>();
    command.add(OracleBinary.executable().toString());
    command.add("--cpu");
    command.add(Integer.toString(CPU));
    if (userSizedEntries > 0) {
      command.add("--user-sized");
      command.add(Integer.toString(userSizedEntries));
    }
    command.add(object.toString());
    command.add(program);
    if (customBtf != null) {
      command.add(customBtf.toString());
    }
    Process process;
    try {
      process = new ProcessBuilder(command).start();
    } catch (IOException e) {
      throw new KernelOracleException("cannot start " + command.get(0) + ": " + e, e);
    }
    StderrTail tail = StderrTail.drain(process);
    try {
      return new KernelOracle(object, program, process, tail);
    } catch (RuntimeException e) {
      process.destroyForcibly();
      throw e;
    }
  }

  /**
   * Runs the program once (or {@code repeat} times on the same buffer, as the kernel does: the
   * frame is not restored between repetitions, map state carries over).
   *
   * @param meta metadata placed right before the frame ({@code data_meta = data - meta.length});
   *     empty for none. The kernel accepts lengths that are multiples of 4 up to 216 ({@link
   *     KernelFacts}).
   * @param data the frame, at least 14 bytes
   * @throws KernelOracleException when the kernel refuses the input (errno in the message)
   */
  public synchronized OracleResult run(byte[] meta, byte[] data, int repeat) {
    if (repeat < 1) {
      throw new UsageException("kernel oracle: repeat must be at least 1, not " + repeat);
    }
    String reply = call("run " + repeat + " " + hex(meta) + " " + hex(data));
    if (reply.startsWith("error ")) {
      throw new KernelOracleException(
          "BPF_PROG_TEST_RUN of "
              + object.getFileName()
              + " refused "
              + meta.length
              + " bytes of metadata and a "
              + data.length
              + "-byte frame: "
              + reply.substring(6)
              + inputHint(meta.length, data.length));
    }
    if (!reply.startsWith("result ")) {
      throw protocolError("run", reply);
    }
    Map<String, String> f = fields(reply, 1);
    return new OracleResult(
        Integer.parseUnsignedInt(f.get("retval")),
        Long.parseLong(f.get("duration")),
        unhex(f.get("meta")),
        unhex(f.get("data")));
  }

  /**
   * Stores one map entry before (or between) runs. For per-CPU maps {@code value} is either one
   * value (stored on every CPU) or one per possible CPU, concatenated.
   *
   * @param map the map's name; global data by section name ({@code .bss}) also works
   */
  public synchronized void update(String map, byte[] key, byte[] value) {
    requireMapName(map);
    String reply = call("update " + map + " " + hex(key) + " " + hex(value));
    if (!reply.equals("ok")) {
      throw new KernelOracleException(
          object.getFileName() + ": " + (reply.startsWith("error ") ? reply.substring(6) : reply));
    }
  }

  /** Every map of the object, in the object's order, keyed by {@link MapContents#name()}. */
  public synchronized Map<String, MapContents> maps() {
    return readMaps("maps", call("maps"));
  }

  /** The names of the object's maps, as {@link MapContents#name()} gives them. */
  public synchronized List<String> mapNames() {
    String line = call("names");
    if (!line.equals("names") && !line.startsWith("names ")) {
      throw protocolError("names", line);
    }
    List<String> names = new ArrayList<>();
    for (String n : line.substring(5).trim().split(" ")) {
      if (!n.isEmpty()) {
        names.add(xdpemuName(n));
      }
    }
    return names;
  }

  /**
   * One map by what changed since its creation: every entry of a hash-like map, but only the
   * elements of an array that are not zero on every CPU (read with batch lookups, so a
   * 33.5M-element array takes about two seconds and yields what the program wrote).
   */
  public synchronized MapContents scan(String map) {
    requireMapName(map);
    String first = call("scan " + map);
    if (first.startsWith("error ")) {
      throw new KernelOracleException(object.getFileName() + ": " + first.substring(6));
    }
    return readMaps("scan", first).values().iterator().next();
  }

  /** The entries of {@code map} at {@code keys}; a key the map does not hold is left out. */
  public synchronized List<MapContents.Entry> lookup(String map, List<byte[]> keys) {
    requireMapName(map);
    List<MapContents.Entry> found = new ArrayList<>();
    int at = 0;
    while (at < keys.size()) { // a few thousand keys per line
      StringBuilder command = new StringBuilder("lookup ").append(map);
      for (int n = 0; n < 4096 && at < keys.size(); n++) {
        command.append(' ').append(hex(keys.get(at++)));
      }
      String line = call(command.toString());
      if (line.startsWith("error ")) {
        throw new KernelOracleException(object.getFileName() + ": " + line.substring(6));
      }
      while (!line.equals("end")) {
        found.add(entry("lookup", line));
        line = readReply("lookup");
      }
    }
    return found;
  }

  private static void requireMapName(String map) {
    if (map.isEmpty() || map.chars().anyMatch(Character::isWhitespace)) {
      throw new UsageException("kernel oracle: bad map name '" + map + "'");
    }
  }

  /** "map" header lines each followed by their "entry" lines, up to "end". */
  private Map<String, MapContents> readMaps(String what, String line) {
    Map<String, MapContents> maps = new LinkedHashMap<>();
    MapHeader current = null;
    List<MapContents.Entry> entries = new ArrayList<>();
    while (!line.equals("end")) {
      if (line.startsWith("map ")) {
        if (current != null) {
          maps.put(current.name(), current.with(entries));
        }
        current = MapHeader.parse(fields(line, 1));
        entries = new ArrayList<>();
      } else if (line.startsWith("entry ") && current != null) {
        entries.add(entry(what, line));
      } else {
        throw protocolError(what, line);
      }
      line = readReply(what);
    }
    if (current != null) {
      maps.put(current.name(), current.with(entries));
    }
    return maps;
  }

  private MapContents.Entry entry(String what, String line) {
    String[] parts = line.split(" ");
    if (parts.length != 3 || !parts[0].equals("entry")) {
      throw protocolError(what, line);
    }
    List<byte[]> values = new ArrayList<>();
    for (String v : parts[2].split(",", -1)) {
      values.add(unhex(v));
    }
    return new MapContents.Entry(unhex(parts[1]), values);
  }

  /** The kernel's id of the loaded program (as {@code bpftool prog show} lists it). */
  public int programId() {
    return programId;
  }

  /** libbpf_num_possible_cpus(): the number of values per entry of a per-CPU map. */
  public int possibleCpus() {
    return possibleCpus;
  }

  /** The oracle process's pid (tests kill it to check that a dead oracle is reported). */
  long pid() {
    return process.pid();
  }

  /** Unloads the program (the process exits and its file descriptors close). Idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      commands.write("quit\n");
      commands.flush();
      commands.close();
    } catch (IOException e) {
      // The process is gone already; destroy() below is all that is left to do.
    }
    try {
      // Nobody reads the final map dump "quit" prints (it is for people driving the tool by
      // hand); closing the pipe lets a large dump end in EPIPE instead of blocking the exit.
      replies.close();
    } catch (IOException e) {
      // Already closed.
    }
    try {
      if (!process.waitFor(EXIT_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    removePinRoot();
  }

  /**
   * The oracle removes its private pin directory at exit; this removes what a killed process left
   * (only that directory, made by the oracle under /sys/fs/bpf, and what it holds).
   */
  private void removePinRoot() {
    if (pinRoot == null || !pinRoot.getFileName().toString().startsWith("xdpemu-oracle-")) {
      return;
    }
    try {
      process.waitFor(EXIT_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      if (Files.isDirectory(pinRoot)) {
        try (var pins = Files.list(pinRoot)) {
          for (Path p : (Iterable<Path>) pins::iterator) {
            Files.deleteIfExists(p);
          }
        }
        Files.deleteIfExists(pinRoot);
      }
    } catch (IOException e) {
      // Best effort: the directory is private and its name says whose it is.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The oracle's private bpffs directory for the object's pinned maps, or null. */
  public Path pinRoot() {
    return pinRoot;
  }

  private String call(String command) {
    if (closed) {
      throw new KernelOracleException("oracle for " + object.getFileName() + " is closed");
    }
    try {
      commands.write(command);
      commands.write('\n');
      commands.flush();
    } catch (IOException e) {
      throw died(verb(command), e);
    }
    return readReply(verb(command));
  }

  private static String verb(String command) {
    return command.split(" ", 2)[0];
  }

  private String readReply(String what) {
    String line;
    try {
      line = replies.readLine();
    } catch (IOException e) {
      throw died(what, e);
    }
    if (line == null) {
      throw died(what, null);
    }
    return line;
  }

  private KernelOracleException died(String what, IOException cause) {
    waitQuietly();
    String exit = process.isAlive() ? "still running" : "exit code " + process.exitValue();
    return new KernelOracleException(
        "process for "
            + object.getFileName()
            + " stopped answering during '"
            + what
            + "' ("
            + exit
            + ")"
            + stderr.textWithHeading(),
        cause);
  }

  private KernelOracleException protocolError(String what, String line) {
    String shown = line.length() > 120 ? line.substring(0, 120) + "..." : line;
    return new KernelOracleException("unexpected reply to '" + what + "': " + shown);
  }

  private RuntimeException loadFailure(String line) {
    String message = line.startsWith("error ") ? line.substring(6) : line;
    waitQuietly();
    String log = stderr.textWithHeading();
    if (message.contains("no program named")) {
      return new UsageException(message);
    }
    if (message.contains("cannot open")) {
      return new MalformedInputException("malformed object " + message + log);
    }
    if (message.contains("load of")) {
      return new ProgramRejectedException("kernel rejected " + message + log);
    }
    return new KernelOracleException(message + log);
  }

  private void waitQuietly() {
    try {
      process.waitFor(EXIT_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      stderr.awaitEnd();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static String inputHint(int metaLength, int dataLength) {
    String metaProblem = KernelFacts.metadataProblem(metaLength);
    if (metaProblem != null) {
      return " (" + metaProblem + ")";
    }
    if (dataLength < KernelFacts.FRAME_MIN) {
      return " (frames shorter than " + KernelFacts.FRAME_MIN + " bytes are refused)";
    }
    return "";
  }

  private static void requireReadable(Path file, String what) {
    if (file == null || !Files.isReadable(file)) {
      throw new UsageException("cannot read " + what + " file " + file);
    }
  }

  /** "key=value" tokens of a reply, after the first {@code skip} tokens. */
  private static Map<String, String> fields(String line, int skip) {
    Map<String, String> map = new HashMap<>();
    String[] tokens = line.split(" ");
    for (int i = skip; i < tokens.length; i++) {
      int eq = tokens[i].indexOf('=');
      if (eq > 0) {
        map.put(tokens[i].substring(0, eq), tokens[i].substring(eq + 1));
      }
    }
    return map;
  }

  private static String hex(byte[] bytes) {
    return bytes.length == 0 ? "-" : HEX.formatHex(bytes);
  }

  private static byte[] unhex(String hex) {
    if (hex == null) {
      throw new KernelOracleException("reply lacks a field");
    }
    return hex.equals("-") ? new byte[0] : HEX.parseHex(hex);
  }

  /** The fields of a "map ..." line, before its entries are read. */
  private record MapHeader(
      String name,
      String kernelName,
      String type,
      int keySize,
      int valueSize,
      int maxEntries,
      int ncpus) {
    static MapHeader parse(Map<String, String> f) {
      String kernelName = f.get("name");
      return new MapHeader(
          xdpemuName(kernelName),
          kernelName,
          f.get("type"),
          Integer.parseInt(f.get("key_size")),
          Integer.parseInt(f.get("value_size")),
          Integer.parseInt(f.get("max_entries")),
          Integer.parseInt(f.get("ncpus")));
    }

    MapContents with(List<MapContents.Entry> entries) {
      return new MapContents(
          name, kernelName, type, keySize, valueSize, maxEntries, ncpus, entries);
    }
  }

  /**
   * libbpf names a global data map "&lt;first 8 chars of the object name&gt;.bss" (likewise .data,
   * .rodata, .kconfig and their .name suffixes: bpf_object__init_internal_map()); xdpemu and the
   * CLI contract use the section name.
   */
  static String xdpemuName(String kernelName) {
    int dot = kernelName.indexOf('.');
    if (dot > 0) {
      String section = kernelName.substring(dot);
      for (String s : List.of(".bss", ".data", ".rodata", ".kconfig")) {
        if (section.equals(s) || section.startsWith(s + ".")) {
          return section;
        }
      }
    }
    return kernelName;
  }
}
