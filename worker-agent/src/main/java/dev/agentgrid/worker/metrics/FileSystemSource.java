package dev.agentgrid.worker.metrics;

import dev.agentgrid.proto.v1.FileSystemUsage;
import dev.agentgrid.proto.v1.MetricsSnapshot;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import oshi.software.os.FileSystem;
import oshi.software.os.OSFileStore;

/**
 * Used and total bytes per real file system, and their sums. Pseudo file systems (proc, tmpfs, ...)
 * are skipped, and a device mounted at several places (bind mounts, common in containers) is counted
 * once so the sums do not double.
 */
final class FileSystemSource implements MetricSource {

  /** File system types that hold no disk space of their own. */
  static final Set<String> PSEUDO_TYPES = Set.of(
      "proc", "sysfs", "devtmpfs", "tmpfs", "devpts", "cgroup", "cgroup2", "securityfs",
      "pstore", "debugfs", "tracefs", "configfs", "fusectl", "mqueue", "hugetlbfs", "bpf",
      "autofs", "binfmt_misc", "nsfs", "ramfs", "rpc_pipefs", "squashfs", "efivarfs",
      "selinuxfs", "overlayfs-meta", "fuse.lxcfs", "fuse.gvfsd-fuse", "nfsd", "devfs");

  private final FileSystem fileSystem;

  FileSystemSource(FileSystem fileSystem) {
    this.fileSystem = fileSystem;
  }

  @Override
  public String name() {
    return "filesystems";
  }

  @Override
  public void contribute(MetricsSnapshot.Builder snapshot) {
    List<FileSystemUsage> usages = select(fileSystem.getFileStores(true));
    long used = 0;
    long total = 0;
    for (FileSystemUsage usage : usages) {
      used += usage.getUsedBytes();
      total += usage.getTotalBytes();
    }
    snapshot.addAllFileSystems(usages).setDiskUsedBytes(used).setDiskTotalBytes(total);
  }

  /** The stores worth reporting, one per device. */
  static List<FileSystemUsage> select(List<OSFileStore> stores) {
    Set<String> seenVolumes = new HashSet<>();
    Set<String> seenMounts = new HashSet<>();
    return stores.stream()
        .filter(store -> !isPseudo(store.getType(), store.getTotalSpace()))
        .filter(store -> seenMounts.add(store.getMount()))
        .filter(store -> store.getVolume() == null || store.getVolume().isEmpty()
            || seenVolumes.add(store.getVolume()))
        .map(store -> FileSystemUsage.newBuilder()
            .setMount(store.getMount())
            .setTotalBytes(store.getTotalSpace())
            .setUsedBytes(Math.max(0, store.getTotalSpace() - store.getFreeSpace()))
            .build())
        .toList();
  }

  /** Whether a store of this type and size holds no disk space of its own. */
  static boolean isPseudo(String type, long totalBytes) {
    return totalBytes <= 0 || type == null || PSEUDO_TYPES.contains(type.toLowerCase(Locale.ROOT));
  }
}
