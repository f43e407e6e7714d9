package io.xdpemu.ebpf.helpers;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The simulated network that bpf_fib_lookup, bpf_check_mtu and redirects consult: interfaces
 * (ifindex, name, MAC, MTU, addresses, forwarding on/off), routes (longest prefix, then lowest
 * metric; unicast via a gateway or on-link, or blackhole/unreachable/prohibit) and neighbours (IP
 * to MAC on an interface). Users describe it in a JSON file ({@code --fib FILE}, see {@link
 * FibJson}). Every interface address also yields its connected route, as the kernel adds one.
 *
 * <p>Unless the description defines ifindex 1, it is the loopback device the kernel's
 * BPF_PROG_TEST_RUN runs XDP on ({@code lo}, MTU 65536), so {@code bpf_check_mtu(ctx, 0, ...)}
 * answers the same in both.
 */
public final class Fib {
  public static final int AF_INET = 2;
  public static final int AF_INET6 = 10;

  /** A network device. Addresses are prefixes (address bytes + length). */
  public record Interface(
      int ifindex, String name, byte[] mac, int mtu, List<Prefix> addresses, boolean forwarding) {}

  /** An address or route destination: {@code bytes} (4 or 16) and a prefix length. */
  public record Prefix(byte[] bytes, int length) {
    public int family() {
      return bytes.length == 4 ? AF_INET : AF_INET6;
    }

    boolean contains(byte[] addr) {
      if (addr.length != bytes.length) {
        return false;
      }
      for (int bit = 0; bit < length; bit++) {
        int m = 0x80 >>> (bit % 8);
        if ((addr[bit / 8] & m) != (bytes[bit / 8] & m)) {
          return false;
        }
      }
      return true;
    }
  }

  /** Route types (RTN_*): what bpf_fib_lookup reports for a non-unicast route. */
  public enum RouteType {
    UNICAST,
    BLACKHOLE,
    UNREACHABLE,
    PROHIBIT
  }

  /** A route; {@code gateway} null for on-link (connected) routes. */
  public record Route(
      Prefix destination, byte[] gateway, int ifindex, int metric, RouteType type) {}

  /** A resolved neighbour (NUD_VALID). */
  public record Neighbour(int ifindex, byte[] address, byte[] mac) {}

  private final Map<Integer, Interface> interfaces = new HashMap<>();
  private final List<Route> routes = new ArrayList<>();
  private final List<Neighbour> neighbours = new ArrayList<>();

  public Fib(List<Interface> ifaces, List<Route> rts, List<Neighbour> neighs) {
    for (Interface i : ifaces) {
      interfaces.put(i.ifindex(), i);
    }
    interfaces.putIfAbsent(1, new Interface(1, "lo", new byte[6], 65536, List.of(), true));
    for (Interface i : interfaces.values()) {
      for (Prefix p : i.addresses()) {
        routes.add(new Route(network(p), null, i.ifindex(), 0, RouteType.UNICAST));
      }
    }
    routes.addAll(rts);
    neighbours.addAll(neighs);
  }

  /** A network with only the loopback device. */
  public static Fib empty() {
    return new Fib(List.of(), List.of(), List.of());
  }

  private static Prefix network(Prefix p) {
    byte[] b = p.bytes().clone();
    for (int bit = p.length(); bit < b.length * 8; bit++) {
      b[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
    }
    return new Prefix(b, p.length());
  }

  public Interface byIfindex(int ifindex) {
    return interfaces.get(ifindex);
  }

  public List<Interface> interfaces() {
    return List.copyOf(interfaces.values());
  }

  /** Longest-prefix match, ties broken by the lowest metric; null when no route matches. */
  public Route route(byte[] dst) {
    Route best = null;
    for (Route r : routes) {
      if (!r.destination().contains(dst)) {
        continue;
      }
      if (best == null
          || r.destination().length() > best.destination().length()
          || (r.destination().length() == best.destination().length()
              && r.metric() < best.metric())) {
        best = r;
      }
    }
    return best;
  }

  public Neighbour neighbour(int ifindex, byte[] address) {
    for (Neighbour n : neighbours) {
      if (n.ifindex() == ifindex && Arrays.equals(n.address(), address)) {
        return n;
      }
    }
    return null;
  }

  /** The first address of {@code family} on an interface (the route's preferred source). */
  public byte[] sourceAddress(int ifindex, int family) {
    Interface i = interfaces.get(ifindex);
    if (i != null) {
      for (Prefix p : i.addresses()) {
        if (p.family() == family) {
          return p.bytes();
        }
      }
    }
    return null;
  }
}
