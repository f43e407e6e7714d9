package io.xdpemu.cli;

import io.xdpemu.ebpf.UsageException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small getopt_long-style parser: {@code --name value}, {@code --name=value}, boolean flags,
 * repeatable options, positional arguments, and {@code --help}. Every mistake is a one-line {@link
 * UsageException} naming the command (exit 2), in the spirit of bpftool's "unknown option".
 */
public final class ArgParser {
  private enum Arity {
    FLAG,
    ONE,
    MANY
  }

  private record Spec(String name, Arity arity, String metavar, String help) {}

  private final String command;
  private final String synopsis;
  private final Map<String, Spec> specs = new LinkedHashMap<>();
  private final List<String[]> positionals = new ArrayList<>();
  private int optionalPositionals;

  /**
   * @param command the command as typed, e.g. "run" or "btf dump"
   */
  public ArgParser(String command, String synopsis) {
    this.command = command;
    this.synopsis = synopsis;
    flag("--help", "show this help and exit");
  }

  public ArgParser flag(String name, String help) {
    specs.put(name, new Spec(name, Arity.FLAG, null, help));
    return this;
  }

  public ArgParser option(String name, String metavar, String help) {
    specs.put(name, new Spec(name, Arity.ONE, metavar, help));
    return this;
  }

  public ArgParser repeatable(String name, String metavar, String help) {
    specs.put(name, new Spec(name, Arity.MANY, metavar, help));
    return this;
  }

  /** A required positional argument. */
  public ArgParser positional(String metavar, String help) {
    positionals.add(new String[] {metavar, help});
    return this;
  }

  /** An optional positional argument (after the required ones). */
  public ArgParser optionalPositional(String metavar, String help) {
    positionals.add(new String[] {metavar, help});
    optionalPositionals++;
    return this;
  }

  public String command() {
    return command;
  }

  /** The --help text. */
  public String help() {
    StringBuilder s = new StringBuilder("usage: xdpemu ").append(command).append(' ');
    s.append(synopsis).append("\n");
    if (!positionals.isEmpty()) {
      s.append("\narguments:\n");
      for (String[] p : positionals) {
        s.append(String.format("  %-24s %s%n", p[0], p[1]));
      }
    }
    s.append("\noptions:\n");
    for (Spec sp : specs.values()) {
      String left = sp.metavar == null ? sp.name : sp.name + " " + sp.metavar;
      s.append(
          String.format(
              "  %-24s %s%s%n", left, sp.help, sp.arity == Arity.MANY ? " (repeatable)" : ""));
    }
    return s.toString().stripTrailing();
  }

  public Parsed parse(String[] args) {
    Map<String, List<String>> values = new LinkedHashMap<>();
    List<String> pos = new ArrayList<>();
    boolean onlyPositional = false;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (onlyPositional || !a.startsWith("-") || a.equals("-")) {
        pos.add(a);
        continue;
      }
      if (a.equals("--")) {
        onlyPositional = true;
        continue;
      }
      if (a.equals("-h")) {
        a = "--help";
      }
      String name = a;
      String inline = null;
      int eq = a.indexOf('=');
      if (a.startsWith("--") && eq > 0) {
        name = a.substring(0, eq);
        inline = a.substring(eq + 1);
      }
      Spec sp = specs.get(name);
      if (sp == null) {
        throw new UsageException(
            "unknown option '"
                + name
                + "' for 'xdpemu "
                + command
                + "' (see xdpemu "
                + command
                + " --help)");
      }
      if (sp.arity == Arity.FLAG) {
        if (inline != null) {
          throw new UsageException("option '" + name + "' takes no value");
        }
        values.computeIfAbsent(name, k -> new ArrayList<>()).add("true");
        continue;
      }
      String v = inline;
      if (v == null) {
        if (i + 1 >= args.length) {
          throw new UsageException("option '" + name + "' needs a value (" + sp.metavar + ")");
        }
        v = args[++i];
      }
      List<String> l = values.computeIfAbsent(name, k -> new ArrayList<>());
      if (sp.arity == Arity.ONE && !l.isEmpty()) {
        throw new UsageException("option '" + name + "' given more than once");
      }
      l.add(v);
    }
    Parsed p = new Parsed(values, pos);
    if (p.has("--help")) {
      return p;
    }
    int required = positionals.size() - optionalPositionals;
    if (pos.size() < required) {
      throw new UsageException(
          "'xdpemu "
              + command
              + "' needs "
              + positionals.get(pos.size())[0]
              + " (see xdpemu "
              + command
              + " --help)");
    }
    if (pos.size() > positionals.size()) {
      throw new UsageException(
          "unexpected argument '" + pos.get(positionals.size()) + "' for 'xdpemu " + command + "'");
    }
    return p;
  }

  /** The result of {@link #parse}. */
  public static final class Parsed {
    private final Map<String, List<String>> values;
    private final List<String> positional;

    Parsed(Map<String, List<String>> values, List<String> positional) {
      this.values = values;
      this.positional = positional;
    }

    public boolean has(String name) {
      return values.containsKey(name);
    }

    public String get(String name) {
      List<String> l = values.get(name);
      return l == null ? null : l.get(0);
    }

    public String get(String name, String fallback) {
      String v = get(name);
      return v == null ? fallback : v;
    }

    public List<String> all(String name) {
      return values.getOrDefault(name, List.of());
    }

    /** The i-th positional argument, or null. */
    public String positional(int i) {
      return i < positional.size() ? positional.get(i) : null;
    }

    public long getLong(String name, long fallback, long min, long max) {
      String v = get(name);
      if (v == null) {
        return fallback;
      }
      long n;
      try {
        n = Long.decode(v);
      } catch (NumberFormatException e) {
        throw new UsageException("option '" + name + "' wants a number, got '" + v + "'");
      }
      if (n < min || n > max) {
        throw new UsageException(
            "option '" + name + "' must be between " + min + " and " + max + ", got " + n);
      }
      return n;
    }
  }
}
