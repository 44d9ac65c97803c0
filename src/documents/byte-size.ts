const KIB = 1024;
const MIB = 1024 * KIB;

/** Describes a byte count for messages, such as "7080 bytes (6.9 KiB)" or "26214400 bytes (25.00 MiB)". */
export function describeBytes(bytes: number): string {
  if (bytes >= MIB) return `${bytes} bytes (${(bytes / MIB).toFixed(2)} MiB)`;
  if (bytes >= KIB) return `${bytes} bytes (${(bytes / KIB).toFixed(1)} KiB)`;
  return `${bytes} bytes`;
}
