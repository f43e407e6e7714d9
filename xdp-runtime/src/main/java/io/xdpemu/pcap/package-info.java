/**
 * Capture I/O: pcap (micro/nano, both byte orders) and pcapng readers, memory-mapped and
 * allocation-free per packet; a pcap writer.
 */
package io.xdpemu.pcap;
