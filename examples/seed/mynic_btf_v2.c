/* Host object whose DWARF pahole turns into the NIC's split BTF; the globals anchor every type
 * (a struct only reachable through a pointer would otherwise be emitted as a FWD). */
#include "mynic_v2.h"

struct mynic_metadata mynic_metadata_anchor;
struct mynic_rx_descriptor mynic_rx_descriptor_anchor;
enum mynic_ptype mynic_ptype_anchor;
