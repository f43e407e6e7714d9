package io.xdpemu.ebpf.helpers;

import io.xdpemu.ebpf.jackson.JsonFiles;
import io.xdpemu.ebpf.jackson.Located;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads the {@code --fib FILE} description of the simulated network:
 *
 * <pre>
 * {
 *   "interfaces": [{"ifindex": 2, "name": "eth0", "mac": "02:00:00:00:00:02", "mtu": 1500,
 *                   "addresses": ["10.0.0.1/24", "fd00::1/64"], "forwarding": true}],
 *   "routes":     [{"dst": "0.0.0.0/0", "via": "10.0.0.254", "dev": 2, "metric": 100,
 *                   "type": "unicast"}],
 *   "neighbours": [{"ip": "10.0.0.254", "mac": "02:00:00:00:00:fe", "dev": 2}]
 * }
 * </pre>
 *
 * {@code mtu} defaults to 1500, {@code forwarding} to true, {@code metric} to 0, {@code type} to
 * unicast (or blackhole, unreachable, prohibit); a route without {@code via} is on-link. Errors
 * name the file, line and column.
 */
public final class FibJson {
  private FibJson() {}

  public static Fib read(Path file) {
    return parse(JsonFiles.read(file));
  }

  public static Fib parse(Located doc) {
    Located root = doc.asObject();
    root.allowOnly("interfaces", "routes", "neighbours");
    List<Fib.Interface> ifaces = new ArrayList<>();
    List<Fib.Route> routes = new ArrayList<>();
    List<Fib.Neighbour> neighs = new ArrayList<>();
    if (root.has("interfaces")) {
      for (Located v : root.get("interfaces").asArray()) {
        Located o = v.asObject();
        o.allowOnly("ifindex", "name", "mac", "mtu", "addresses", "forwarding");
        List<Fib.Prefix> addrs = new ArrayList<>();
        if (o.has("addresses")) {
          for (Located a : o.get("addresses").asArray()) {
            addrs.add(prefix(a));
          }
        }
        int ifindex = o.require("ifindex").asInt();
        if (ifindex <= 0) {
          throw o.get("ifindex").at().error("ifindex must be positive");
        }
        ifaces.add(
            new Fib.Interface(
                ifindex,
                o.getString("name", "if" + ifindex),
                o.has("mac") ? mac(o.get("mac")) : new byte[6],
                o.getInt("mtu", 1500),
                List.copyOf(addrs),
                o.getBoolean("forwarding", true)));
      }
    }
    if (root.has("routes")) {
      for (Located v : root.get("routes").asArray()) {
        Located o = v.asObject();
        o.allowOnly("dst", "via", "dev", "metric", "type");
        Fib.Prefix dst = prefix(o.require("dst"));
        byte[] via = o.has("via") ? ip(o.get("via")) : null;
        if (via != null && via.length != dst.bytes().length) {
          throw o.get("via").at().error("gateway family differs from the destination's");
        }
        Fib.RouteType type;
        try {
          type = Fib.RouteType.valueOf(o.getString("type", "unicast").toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
          throw o.get("type")
              .at()
              .error("route type must be unicast, blackhole, unreachable or prohibit");
        }
        int dev = o.has("dev") ? o.get("dev").asInt() : 0;
        if (type == Fib.RouteType.UNICAST && dev == 0) {
          throw o.at().error("a unicast route needs \"dev\" (the egress ifindex)");
        }
        routes.add(new Fib.Route(dst, via, dev, o.getInt("metric", 0), type));
      }
    }
    if (root.has("neighbours")) {
      for (Located v : root.get("neighbours").asArray()) {
        Located o = v.asObject();
        o.allowOnly("ip", "mac", "dev");
        neighs.add(
            new Fib.Neighbour(
                o.require("dev").asInt(), ip(o.require("ip")), mac(o.require("mac"))));
      }
    }
    return new Fib(ifaces, routes, neighs);
  }

  private static Fib.Prefix prefix(Located v) {
    String s = v.asString();
    int slash = s.indexOf('/');
    byte[] addr = ip(v, slash < 0 ? s : s.substring(0, slash));
    int len = addr.length * 8;
    if (slash >= 0) {
      try {
        len = Integer.parseInt(s.substring(slash + 1));
      } catch (NumberFormatException e) {
        len = -1;
      }
      if (len < 0 || len > addr.length * 8) {
        throw v.at().error("bad prefix length in " + s);
      }
    }
    return new Fib.Prefix(addr, len);
  }

  private static byte[] ip(Located v) {
    return ip(v, v.asString());
  }

  /** A numeric IPv4 or IPv6 address (never a host name: no resolver is consulted). */
  private static byte[] ip(Located v, String s) {
    if (s.indexOf(':') < 0) {
      String[] parts = s.split("\\.", -1);
      if (parts.length != 4) {
        throw v.at().error("not an IPv4 or IPv6 address: " + s);
      }
      byte[] b = new byte[4];
      for (int i = 0; i < 4; i++) {
        int n;
        try {
          n = Integer.parseInt(parts[i]);
        } catch (NumberFormatException e) {
          n = -1;
        }
        if (n < 0 || n > 255) {
          throw v.at().error("not an IPv4 address: " + s);
        }
        b[i] = (byte) n;
      }
      return b;
    }
    if (!s.matches("[0-9a-fA-F:.]+")) {
      throw v.at().error("not an IPv6 address: " + s);
    }
    try {
      byte[] b = InetAddress.getByName(s).getAddress();
      if (b.length != 16) {
        throw v.at().error("not an IPv6 address: " + s);
      }
      return b;
    } catch (UnknownHostException e) {
      throw v.at().error("not an IPv6 address: " + s);
    }
  }

  private static byte[] mac(Located v) {
    String s = v.asString();
    String[] parts = s.split(":", -1);
    if (parts.length != 6) {
      throw v.at().error("not a MAC address (aa:bb:cc:dd:ee:ff): " + s);
    }
    byte[] b = new byte[6];
    for (int i = 0; i < 6; i++) {
      if (!parts[i].matches("[0-9a-fA-F]{2}")) {
        throw v.at().error("not a MAC address (aa:bb:cc:dd:ee:ff): " + s);
      }
      b[i] = (byte) Integer.parseInt(parts[i], 16);
    }
    return b;
  }
}
