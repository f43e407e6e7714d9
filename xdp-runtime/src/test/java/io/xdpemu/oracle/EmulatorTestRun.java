package io.xdpemu.oracle;

import static org.junit.jupiter.api.Assertions.fail;

import io.xdpemu.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;

/**
 * xdpemu's half of a differential run, through the CLI contract (shared/docs/cli.md) rather than an
 * internal API: {@code xdpemu test-run PROG.o --prog P --data-in F [--meta-in M] --repeat N
 * --data-out O --maps-out J [--map-init I]}, run in-process with {@link Main#run}.
 *
 * <p>Until the {@code test-run} command is registered, the test is skipped with "emulator path not
 * wired yet"; any other failure of the command fails the test.
 */
final class EmulatorTestRun {
  private EmulatorTestRun() {}

  static final String NOT_WIRED = "emulator path not wired yet";
  private static final Pattern RESULT_LINE =
      Pattern.compile("Return value: (\\d+), duration(?: \\(average\\))?: (\\d+)ns");

  /** What xdpemu reported: retval, the bytes of --data-out, and the maps of --maps-out. */
  record Result(int retval, byte[] dataOut, Map<String, Map<String, String>> maps) {}

  static Result run(
      Path workDir,
      Path object,
      String program,
      byte[] meta,
      byte[] data,
      int repeat,
      String mapInitJson) {
    try {
      Path dataIn = Files.write(workDir.resolve("data.in"), data);
      Path dataOut = workDir.resolve("data.out");
      Path mapsOut = workDir.resolve("maps.json");
      Files.deleteIfExists(dataOut);
      Files.deleteIfExists(mapsOut);
      List<String> args =
          new ArrayList<>(
              List.of(
                  "test-run",
                  object.toString(),
                  "--prog",
                  program,
                  "--data-in",
                  dataIn.toString(),
                  "--repeat",
                  Integer.toString(repeat),
                  "--data-out",
                  dataOut.toString(),
                  "--maps-out",
                  mapsOut.toString()));
      if (meta.length > 0) {
        args.add("--meta-in");
        args.add(Files.write(workDir.resolve("meta.in"), meta).toString());
      }
      if (mapInitJson != null) {
        args.add("--map-init");
        args.add(Files.writeString(workDir.resolve("map-init.json"), mapInitJson).toString());
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      int code =
          Main.run(
              args.toArray(String[]::new),
              new PrintStream(out, true, StandardCharsets.UTF_8),
              new PrintStream(err, true, StandardCharsets.UTF_8));
      String stdout = out.toString(StandardCharsets.UTF_8);
      String stderr = err.toString(StandardCharsets.UTF_8);
      if (code == 2 && stderr.contains("unknown command 'test-run'")) {
        Assumptions.abort(NOT_WIRED + " (xdpemu has no test-run command in this build)");
      }
      Matcher m = RESULT_LINE.matcher(stdout);
      if (code != 0 || !m.find()) {
        fail(
            "xdpemu "
                + String.join(" ", args)
                + " exited "
                + code
                + "\nstdout: "
                + stdout
                + "\nstderr: "
                + stderr);
      }
      byte[] frameOut = Files.exists(dataOut) ? Files.readAllBytes(dataOut) : null;
      if (frameOut == null) {
        fail("xdpemu test-run wrote no --data-out file");
      }
      Map<String, Map<String, String>> maps =
          Files.exists(mapsOut) ? comparableMaps(Files.readString(mapsOut)) : Map.of();
      return new Result(Integer.parseUnsignedInt(m.group(1)), frameOut, maps);
    } catch (IOException e) {
      throw new IllegalStateException("cannot use the temporary directory " + workDir, e);
    }
  }

  /** maps.json (CLI contract) as name -> (key hex -> value hex, per-CPU values comma-joined). */
  @SuppressWarnings("unchecked")
  static Map<String, Map<String, String>> comparableMaps(String json) {
    Map<String, Map<String, String>> result = new TreeMap<>();
    Map<String, Object> maps = (Map<String, Object>) MiniJson.parse(json);
    for (Map.Entry<String, Object> map : maps.entrySet()) {
      Map<String, String> entries = new TreeMap<>();
      Map<String, Object> body = (Map<String, Object>) map.getValue();
      for (Object e : (List<Object>) body.getOrDefault("entries", List.of())) {
        Map<String, Object> entry = (Map<String, Object>) e;
        String key = ((String) entry.get("key")).toLowerCase();
        Object values = entry.containsKey("values") ? entry.get("values") : entry.get("value");
        String value =
            values instanceof List<?> list
                ? String.join(",", list.stream().map(v -> ((String) v).toLowerCase()).toList())
                : ((String) values).toLowerCase();
        entries.put(key, value);
      }
      result.put(map.getKey(), entries);
    }
    return result;
  }

  /** The kernel's maps in the same comparable form. */
  static Map<String, Map<String, String>> comparableMaps(Map<String, MapContents> kernel) {
    Map<String, Map<String, String>> result = new TreeMap<>();
    for (MapContents map : kernel.values()) {
      Map<String, String> entries = new TreeMap<>();
      for (MapContents.Entry e : map.entries()) {
        entries.put(e.keyHex(), e.valueHex());
      }
      result.put(map.name(), entries);
    }
    return result;
  }

  /** The kernel's maps as maps.json, to start xdpemu from the same state (--map-init). */
  static String mapsJson(Map<String, MapContents> kernel) {
    HexFormat hex = HexFormat.of();
    StringBuilder sb = new StringBuilder("{");
    String sep = "";
    for (MapContents map : kernel.values()) {
      sb.append(sep)
          .append('"')
          .append(map.name())
          .append("\":{\"type\":\"")
          .append(map.type())
          .append("\",\"key_size\":")
          .append(map.keySize())
          .append(",\"value_size\":")
          .append(map.valueSize())
          .append(",\"entries\":[");
      String entrySep = "";
      for (MapContents.Entry e : map.entries()) {
        sb.append(entrySep).append("{\"key\":\"").append(e.keyHex()).append('"');
        if (map.perCpu()) {
          sb.append(",\"values\":[");
          String vs = "";
          for (byte[] v : e.values()) {
            sb.append(vs).append('"').append(hex.formatHex(v)).append('"');
            vs = ",";
          }
          sb.append("]}");
        } else {
          sb.append(",\"value\":\"").append(hex.formatHex(e.value())).append("\"}");
        }
        entrySep = ",";
      }
      sb.append("]}");
      sep = ",";
    }
    return sb.append('}').toString();
  }
}
