package io.xdpemu.verifier.differential;

import io.xdpemu.ebpf.isa.Insn;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The running kernel's verifier for many programs from one process: {@code
 * src/test/c/verifier-batch.c}, compiled with gcc into {@code target/} at first use. Every program
 * and map is a file descriptor of that process only (nothing pinned), closed before the next load
 * and at exit.
 */
final class KernelVerifierBatch implements AutoCloseable {
  /** The kernel's answer to BPF_PROG_LOAD; {@code message} is the log's error line. */
  record Verdict(boolean accepted, int errno, List<String> log, String message) {}

  /** BPF_PROG_TEST_RUN's answer, or {@code errno} != 0. */
  record Run(int errno, long retval, byte[] data) {}

  private final Process process;
  private final BufferedWriter in;
  private final BufferedReader out;

  private KernelVerifierBatch(Process process) {
    this.process = process;
    this.in =
        new BufferedWriter(
            new OutputStreamWriter(process.getOutputStream(), StandardCharsets.US_ASCII));
    this.out =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.US_ASCII));
  }

  /**
   * Starts the loader, or returns null with the reason in {@code why[0]} (no gcc, no bpf(), not
   * root).
   */
  static KernelVerifierBatch start(String[] why) {
    try {
      Path src = Paths.get("src", "test", "c", "verifier-batch.c").toAbsolutePath();
      Path bin = Paths.get("target", "verifier-batch").toAbsolutePath();
      Files.createDirectories(bin.getParent());
      if (!Files.exists(bin)
          || Files.getLastModifiedTime(bin).compareTo(Files.getLastModifiedTime(src)) < 0) {
        Process gcc =
            new ProcessBuilder("gcc", "-O2", "-Wall", "-o", bin.toString(), src.toString())
                .redirectErrorStream(true)
                .start();
        String msg = new String(gcc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!gcc.waitFor(120, TimeUnit.SECONDS) || gcc.exitValue() != 0) {
          why[0] = "gcc failed to build verifier-batch: " + msg.trim();
          return null;
        }
      }
      Process p =
          new ProcessBuilder(bin.toString()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
      KernelVerifierBatch b = new KernelVerifierBatch(p);
      String probe = b.request("probe");
      if (!"ok".equals(probe)) {
        b.close();
        why[0] = "bpf() unavailable (need root and Linux with BPF): " + probe;
        return null;
      }
      return b;
    } catch (IOException e) {
      why[0] = "cannot start verifier-batch: " + e.getMessage();
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      why[0] = "interrupted";
      return null;
    }
  }

  private String request(String line) throws IOException {
    in.write(line);
    in.write('\n');
    in.flush();
    String reply = out.readLine();
    if (reply == null) {
      throw new IOException("verifier-batch exited");
    }
    return reply;
  }

  /** BPF_PROG_LOAD of {@code insns} as root, XDP; {@code maps} as the protocol's map specs. */
  Verdict load(String maps, Insn[] insns) throws IOException {
    StringBuilder sb = new StringBuilder(insns.length * 16 + 32);
    sb.append("load ").append(maps.isEmpty() ? "-" : maps).append(' ');
    for (Insn insn : insns) {
      long w = insn.encode();
      for (int b = 0; b < 8; b++) {
        int v = (int) (w >>> (8 * b)) & 0xff;
        sb.append(Character.forDigit(v >> 4, 16)).append(Character.forDigit(v & 15, 16));
      }
    }
    String reply = request(sb.toString());
    if (reply.equals("ok")) {
      return new Verdict(true, 0, List.of(), "");
    }
    if (!reply.startsWith("reject errno=")) {
      throw new IOException("verifier-batch: " + reply);
    }
    int errno = Integer.parseInt(reply.substring("reject errno=".length()));
    List<String> log = new ArrayList<>();
    for (String l = out.readLine(); l != null && !l.equals("end"); l = out.readLine()) {
      log.add(l.substring(2));
    }
    return new Verdict(false, errno, log, errorLine(log));
  }

  /** The last line of a rejection log that is neither the statistics nor an instruction. */
  static String errorLine(List<String> log) {
    for (int i = log.size() - 1; i >= 0; i--) {
      String l = log.get(i);
      if (l.isEmpty() || l.startsWith("processed ") || Character.isDigit(l.charAt(0))) {
        continue;
      }
      return l;
    }
    return "";
  }

  /** Runs the last accepted program on {@code packet}. */
  Run run(byte[] packet) throws IOException {
    String reply = request("run " + (packet.length == 0 ? "" : HexFormat.of().formatHex(packet)));
    if (reply.startsWith("error errno=")) {
      return new Run(Integer.parseInt(reply.substring(12).split(" ")[0]), 0, new byte[0]);
    }
    String[] f = reply.split(" ");
    long retval = Long.parseLong(f[1].substring("retval=".length()));
    String hex = f[2].substring("data=".length());
    return new Run(0, retval, hex.equals("-") ? new byte[0] : HexFormat.of().parseHex(hex));
  }

  @Override
  public void close() {
    try {
      in.close();
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (IOException e) {
      // the process is gone already
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      process.destroy();
    }
  }
}
