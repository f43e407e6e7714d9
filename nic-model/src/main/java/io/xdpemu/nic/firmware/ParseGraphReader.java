package io.xdpemu.nic.firmware;

import io.xdpemu.ebpf.jackson.Located;
import io.xdpemu.ebpf.jackson.Position;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the "parser" section of a firmware file: states, select keys, value/mask transitions, and
 * checks that every state is reachable from the start state.
 */
final class ParseGraphReader {
  private final FirmwareLoader names;
  private final Map<String, Integer> stateIds = new HashMap<>();

  ParseGraphReader(FirmwareLoader names) {
    this.names = names;
  }

  /** The id of the start state (valid after {@link #readParser}). */
  int start(Located parser) {
    return stateIds.get(parser.require("start").asString());
  }

  List<ParseState> readParser(Located parser) {
    parser.allowOnly("start", "states");
    Located states = parser.require("states").asObject();
    for (String s : states.keys()) {
      if (s.equals("accept") || s.equals("reject")) {
        throw states.get(s).at().error("\"" + s + "\" is a reserved state name");
      }
      stateIds.put(s, stateIds.size());
    }
    Located start = parser.require("start");
    if (!stateIds.containsKey(start.asString())) {
      throw start.at().error("unknown start state \"" + start.asString() + "\"");
    }
    List<ParseState> out = new ArrayList<>();
    for (Map.Entry<String, Located> e : states.members().entrySet()) {
      out.add(readState(e.getKey(), e.getValue().asObject(), states));
    }
    checkReachable(out, stateIds.get(start.asString()));
    return List.copyOf(out);
  }

  private ParseState readState(String name, Located o, Located allStates) {
    o.allowOnly(
        "extract", "max_repeat", "enter_inner", "select", "transitions", "next", "description");
    int header = o.has("extract") ? names.headerNamed(o.get("extract")).id() : -1;
    int maxRepeat = FirmwareLoader.positive(o, "max_repeat", 1, 64);
    boolean inner = o.getBoolean("enter_inner", false);
    if (o.has("next")) {
      if (o.has("select") || o.has("transitions")) {
        throw o.get("next").at().error("use either \"next\" or \"select\"/\"transitions\"");
      }
      return new ParseState(
          stateIds.get(name),
          name,
          header,
          maxRepeat,
          inner,
          new ParseState.Key[0],
          new ParseState.Transition[0],
          next(o.get("next")),
          o.at());
    }
    Located select = o.require("select").asArray();
    ParseState.Key[] keys = new ParseState.Key[select.size()];
    for (int i = 0; i < keys.length; i++) {
      keys[i] = key(select.get(i));
    }
    Located tv = o.require("transitions");
    if (tv.kind() == Located.Kind.STRING && tv.asString().startsWith("@")) {
      // "@state": reuse that state's table (VLAN continues exactly like Ethernet).
      String other = tv.asString().substring(1);
      Located otherState = allStates.get(other);
      if (otherState == null || !otherState.asObject().has("transitions")) {
        throw tv.at().error("\"" + tv.asString() + "\" names no state with a transition table");
      }
      tv = otherState.asObject().get("transitions");
      if (tv.kind() != Located.Kind.ARRAY) {
        throw o.get("transitions").at().error("\"@" + other + "\" refers to another reference");
      }
    }
    List<ParseState.Transition> ts = new ArrayList<>();
    int defaultNext = ParseState.REJECT;
    boolean sawDefault = false;
    for (Located t : tv.asArray()) {
      Located to = t.asObject();
      to.allowOnly("value", "values", "mask", "next", "default");
      if (to.has("default")) {
        if (sawDefault) {
          throw to.at().error("second default transition");
        }
        sawDefault = true;
        defaultNext = next(to.get("default"));
        continue;
      }
      if (sawDefault) {
        throw to.at().error("transition after the default can never match");
      }
      int next = next(to.require("next"));
      List<Located> values = new ArrayList<>();
      if (to.has("values")) {
        to.get("values").asArray().forEach(values::add);
      } else {
        values.add(to.require("value"));
      }
      for (Located v : values) {
        ts.add(transition(v, to.get("mask"), keys, next, to.at()));
      }
    }
    return new ParseState(
        stateIds.get(name),
        name,
        header,
        maxRepeat,
        inner,
        keys,
        ts.toArray(new ParseState.Transition[0]),
        defaultNext,
        o.at());
  }

  private ParseState.Key key(Located k) {
    if (k.kind() == Located.Kind.OBJECT) {
      Located lo = k.asObject();
      lo.allowOnly("lookahead");
      Located la = lo.require("lookahead").asArray();
      if (la.size() != 2) {
        throw la.at().error("lookahead must be [bit_offset, bit_width]");
      }
      int off = la.get(0).asInt();
      int w = la.get(1).asInt();
      if (off < 0 || w < 1 || w > 64) {
        throw la.at().error("lookahead needs bit_offset >= 0 and width 1..64");
      }
      return new ParseState.Key(-1, off, w, "lookahead[" + off + "," + w + "]");
    }
    Layout.FieldRef f = names.fieldRef(k, 64);
    return new ParseState.Key(f.header(), f.bitOffset(), f.width(), f.text());
  }

  private ParseState.Transition transition(
      Located value, Located mask, ParseState.Key[] keys, int next, Position at) {
    List<Located> vs = new ArrayList<>();
    if (value.kind() == Located.Kind.ARRAY) {
      value.asArray().forEach(vs::add);
    } else {
      vs.add(value);
    }
    if (vs.size() != keys.length) {
      throw value
          .at()
          .error("value has " + vs.size() + " component(s) but the select key has " + keys.length);
    }
    long[] values = new long[keys.length];
    long[] masks = new long[keys.length];
    List<Located> ms = new ArrayList<>();
    if (mask != null) {
      if (mask.kind() == Located.Kind.ARRAY) {
        mask.asArray().forEach(ms::add);
      } else {
        ms.add(mask);
      }
      if (ms.size() != keys.length) {
        throw mask.at()
            .error("mask has " + ms.size() + " component(s) but the key has " + keys.length);
      }
    }
    for (int i = 0; i < keys.length; i++) {
      long full = keys[i].width() == 64 ? -1L : (1L << keys[i].width()) - 1;
      if (vs.get(i).kind() == Located.Kind.STRING && vs.get(i).asString().equals("*")) {
        values[i] = 0;
        masks[i] = 0;
        continue;
      }
      long v = Values.number(vs.get(i));
      long m = ms.isEmpty() ? full : Values.number(ms.get(i));
      if ((v & ~full) != 0 || (m & ~full) != 0) {
        throw vs.get(i)
            .at()
            .error("value/mask wider than the " + keys[i].width() + "-bit key " + keys[i].text());
      }
      values[i] = v & m;
      masks[i] = m;
    }
    return new ParseState.Transition(values, masks, next, at);
  }

  private int next(Located v) {
    String s = v.asString();
    if (s.equals("accept")) {
      return ParseState.ACCEPT;
    }
    if (s.equals("reject")) {
      return ParseState.REJECT;
    }
    Integer id = stateIds.get(s);
    if (id == null) {
      throw v.at().error("unknown state \"" + s + "\"");
    }
    return id;
  }

  private static void checkReachable(List<ParseState> states, int start) {
    boolean[] seen = new boolean[states.size()];
    ArrayDeque<Integer> work = new ArrayDeque<>();
    work.add(start);
    seen[start] = true;
    while (!work.isEmpty()) {
      ParseState s = states.get(work.poll());
      List<Integer> succ = new ArrayList<>();
      succ.add(s.defaultNext());
      for (ParseState.Transition t : s.transitions()) {
        succ.add(t.next());
      }
      for (int n : succ) {
        if (n >= 0 && !seen[n]) {
          seen[n] = true;
          work.add(n);
        }
      }
    }
    for (ParseState s : states) {
      if (!seen[s.id()]) {
        throw s.at().error("state \"" + s.name() + "\" is unreachable from the start state");
      }
    }
  }
}
