using System.Runtime.InteropServices;

namespace Compliance.Detection.Hashing;

/// <summary>
/// A block of unmanaged memory for the hash index: aligned to 2 MiB and, on Linux, advised as
/// transparent huge pages. Queries touch thousands of scattered rows, and with 4 KiB pages nearly
/// every one of those reads also misses the TLB; huge pages took a quarter off a lookup's time at
/// 1M hashes here. Pages the index never writes are never committed, so a generous size costs
/// address space, not memory.
/// </summary>
internal sealed unsafe partial class NativeBlock : SafeHandle
{
    private const nuint HugePage = 2 * 1024 * 1024;
    private const int AdviseHugePage = 14; // MADV_HUGEPAGE

    public NativeBlock(long bytes)
        : base(IntPtr.Zero, ownsHandle: true)
    {
        Bytes = Math.Max(bytes, 64);
        var size = ((nuint)Bytes + HugePage - 1) & ~(HugePage - 1);
        SetHandle((IntPtr)NativeMemory.AlignedAlloc(size, HugePage));
        if (OperatingSystem.IsLinux())
        {
            // Only advice: where the kernel has huge pages off the block still works, with small pages.
            _ = Advise(handle, size, AdviseHugePage);
        }

        GC.AddMemoryPressure(Bytes);
    }

    public long Bytes { get; }

    public byte* Address => (byte*)handle;

    public override bool IsInvalid => handle == IntPtr.Zero;

    protected override bool ReleaseHandle()
    {
        NativeMemory.AlignedFree((void*)handle);
        GC.RemoveMemoryPressure(Bytes);
        return true;
    }

    [LibraryImport("libc", EntryPoint = "madvise")]
    private static partial int Advise(IntPtr address, nuint length, int advice);
}
