/**
 * What the verifier proved about a program, handed to the engines: the verifier module fills a
 * {@link io.xdpemu.ebpf.facts.ProgramFacts} while it verifies, the JIT reads it to drop the checks
 * the proof makes redundant. Depends on nothing but the JDK, so that neither the verifier nor the
 * engines depend on each other.
 */
package io.xdpemu.ebpf.facts;
