package io.xdpemu.nic.firmware;

import io.xdpemu.ebpf.jackson.Position;
import java.util.List;

/**
 * Receive-side scaling: a Toeplitz key, traffic classes (first match on the headers present decides
 * which fields are hashed and which {@code xdp_rss_hash_type} is reported), an indirection table
 * and the queue count. Hashing uses the outermost headers unless {@code inner}.
 */
public record RssConfig(
    byte[] key, int queues, int[] indirection, boolean inner, List<TrafficClass> classes) {

  /** Hash input = the fields' bytes concatenated in order (network byte order). */
  public record TrafficClass(
      String name, int[] match, Layout.FieldRef[] fields, RssHashType hashType, Position at) {
    public int inputBytes() {
      int n = 0;
      for (Layout.FieldRef f : fields) {
        n += f.width() / 8;
      }
      return n;
    }
  }
}
