using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using Compliance.Detection.Hashing;
using Compliance.Media;

namespace Compliance.Infrastructure.Media;

/// <summary>
/// The hash bank as one instance holds it: the index of every stored PDQ hash, and one compact record
/// per banked item (an image, or one second of a video) rather than per stored hash, since an item's
/// eight dihedral transforms share everything but the hash. Who banked it (order, provider, bank, legal
/// basis, case) is pooled, as many items share one order; media ids sit as UTF-8 in one array. A match's
/// <see cref="HashBankEntry"/> is made only when a lookup returns it. At 10M stored hashes (1.25M
/// items) this is about 0.85 GB with the index, where one record object per stored hash took over 7 GB.
/// </summary>
/// <remarks>
/// Readers (lookups) share a lock and writers (adds, a snapshot load) take it alone; nothing here
/// awaits, so the lock is never held across an await. The layout is also the snapshot's
/// (<see cref="WriteSnapshot"/>), so a new instance reads arrays rather than rebuilding records.
/// </remarks>
public sealed class HashBankMemory : IDisposable
{
    private const uint SnapshotMagic = 0x4B4E4142; // "BANK"
    private const int SnapshotVersion = 1;

    private readonly ReaderWriterLockSlim _gate = new();
    private readonly MultiIndexHashTable _index = new();
    private readonly List<BankSource> _sources = [];
    private readonly Dictionary<BankSource, int> _sourceIds = [];
    private readonly Dictionary<ulong, int> _byKey = [];
    private readonly Dictionary<string, int> _keyCollisions = new(StringComparer.Ordinal);
    private readonly Dictionary<ulong, int> _videoFrames = [];
    private readonly List<HashBankEntry> _exact = [];
    private readonly HashSet<string> _exactKeys = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<int>> _byMd5 = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _exactById = new(StringComparer.Ordinal);
    private int[] _rowItems = new int[1024];
    private BankedItem[] _items = new BankedItem[128];
    private int _itemCount;
    private byte[] _media = new byte[4096];
    private int _mediaBytes;

    /// <summary>Stored PDQ hashes (each transform of each item counts).</summary>
    public int Count => _index.Count;

    /// <summary>Bytes of the index and the records, for capacity planning.</summary>
    public long MemoryBytes => _index.MemoryBytes + ((long)_rowItems.Length * sizeof(int)) + ((long)_items.Length * Unsafe.SizeOf<BankedItem>()) + _media.Length;

    public void Dispose()
    {
        _index.Dispose();
        _gate.Dispose();
    }

    /// <summary>Adds entries not already held (an item's transform, or an MD5, counts once); false if none was new.</summary>
    public bool Add(IEnumerable<HashBankEntry> entries)
    {
        var added = false;
        _gate.EnterWriteLock();
        try
        {
            foreach (var entry in entries)
            {
                added |= Remember(entry);
            }
        }
        finally
        {
            _gate.ExitWriteLock();
        }

        return added;
    }

    /// <summary>
    /// The closest transform of each item within <paramref name="maxDistance"/> of any of the hashes, or
    /// with one of the MD5s, that <paramref name="included"/> lets through; closest first, at most
    /// <paramref name="maxMatches"/>.
    /// </summary>
    public List<HashBankMatch> Lookup(IEnumerable<PdqHash> hashes, IEnumerable<string> md5s, int maxDistance, int maxMatches, Func<HashBankEntry, bool> included)
    {
        var near = new List<(int Row, int Distance)>();
        foreach (var hash in hashes)
        {
            near.AddRange(_index.Query(hash, maxDistance));
        }

        _gate.EnterReadLock();
        try
        {
            // One answer per banked item: the transform that comes closest (the lower transform on a tie).
            var best = new Dictionary<int, (int Row, int Distance)>();
            foreach (var (row, distance) in near)
            {
                var item = _rowItems[row] >> 3;
                if (!best.TryGetValue(item, out var known) || distance < known.Distance || (distance == known.Distance && (_rowItems[row] & 7) < (_rowItems[known.Row] & 7)))
                {
                    best[item] = (row, distance);
                }
            }

            var matches = best.Values.Select(b => new HashBankMatch(EntryOfRow(b.Row), b.Distance)).ToList();
            foreach (var md5 in md5s)
            {
                if (_byMd5.TryGetValue(md5, out var ids))
                {
                    matches.AddRange(ids.Select(id => new HashBankMatch(_exact[id], 0)));
                }
            }

            // An item banked both by PDQ and by MD5 answers once, by its closest.
            return [.. matches
                .Where(m => included(m.Entry))
                .OrderBy(m => m.Distance)
                .ThenBy(m => m.Entry.EntryId, StringComparer.Ordinal)
                .ThenBy(m => m.Entry.Transform)
                .DistinctBy(m => m.Entry.EntryId, StringComparer.Ordinal)
                .Take(maxMatches)];
        }
        finally
        {
            _gate.ExitReadLock();
        }
    }

    /// <summary>Per banked video any query frame came near: its first-found entry, the query frames that found it, and its frames found.</summary>
    public List<VideoBankMatch> LookupVideo(IReadOnlyList<PdqHash?> frames, int maxDistance, Func<HashBankEntry, bool> included)
    {
        var near = frames.Select(hash => hash is { } h ? _index.Query(h, maxDistance) : []).ToList();
        _gate.EnterReadLock();
        try
        {
            var videos = new Dictionary<ulong, (HashBankEntry First, HashSet<int> Query, HashSet<int> Banked)>();
            for (var frame = 0; frame < near.Count; frame++)
            {
                foreach (var (row, _) in near[frame])
                {
                    ref readonly var item = ref _items[_rowItems[row] >> 3];
                    if (item.FrameSecond < 0)
                    {
                        continue;
                    }

                    var key = KeyOf(MediaOf(item), null);
                    ref var video = ref CollectionsMarshal.GetValueRefOrAddDefault(videos, key, out var exists);
                    if (!exists)
                    {
                        var entry = EntryOfRow(row);
                        if (!included(entry))
                        {
                            videos.Remove(key);
                            continue;
                        }

                        video = (entry, [], []);
                    }

                    video.Query.Add(frame);
                    video.Banked.Add(item.FrameSecond);
                }
            }

            return [.. videos.Select(v => new VideoBankMatch(v.Value.First, v.Value.Query.Count, frames.Count, v.Value.Banked.Count, _videoFrames[v.Key]))];
        }
        finally
        {
            _gate.ExitReadLock();
        }
    }

    /// <summary>The banked item (its original transform, or a video's first frame) under an entry or item id.</summary>
    public HashBankEntry? Find(string entryId)
    {
        _gate.EnterReadLock();
        try
        {
            if (_exactById.TryGetValue(entryId, out var exact))
            {
                return _exact[exact];
            }

            if (!TryItemOf(entryId, out var index))
            {
                return null;
            }

            ref readonly var item = ref _items[index];
            return item.OriginalRow < 0 ? null : EntryOfRow(item.OriginalRow);
        }
        finally
        {
            _gate.ExitReadLock();
        }
    }

    /// <summary>
    /// Writes everything held, with the time the table was read up to, as one stream closed by a
    /// SHA-256 of all before it. Adds wait until it is written; lookups go on.
    /// </summary>
    public void WriteSnapshot(Stream target, DateTimeOffset loadedUpTo)
    {
        _gate.EnterReadLock();
        try
        {
            using var digest = new DigestStream(target);
            using (var writer = new BinaryWriter(digest, Encoding.UTF8, leaveOpen: true))
            {
                writer.Write(SnapshotMagic);
                writer.Write(SnapshotVersion);
                writer.Write(loadedUpTo.UtcTicks);
                writer.Write(_index.Count);
                writer.Write(_itemCount);
                writer.Write(_mediaBytes);
                writer.Write(_sources.Count);
                writer.Write(_exact.Count);
                foreach (var source in _sources)
                {
                    source.Write(writer);
                }

                foreach (var entry in _exact)
                {
                    WriteExact(writer, entry);
                }
            }

            _index.WriteRows(digest);
            digest.Write(MemoryMarshal.AsBytes(_rowItems.AsSpan(0, _index.Count)));
            digest.Write(MemoryMarshal.AsBytes(_items.AsSpan(0, _itemCount)));
            digest.Write(_media.AsSpan(0, _mediaBytes));
            target.Write(digest.Finish());
        }
        finally
        {
            _gate.ExitReadLock();
        }
    }

    /// <summary>
    /// A bank read from a snapshot, with the time its table was read up to; null when the stream is not
    /// a whole, consistent snapshot of this version, and a new instance then reads the table instead.
    /// </summary>
    public static (HashBankMemory Bank, DateTimeOffset LoadedUpTo)? ReadSnapshot(Stream source)
    {
        var bank = new HashBankMemory();
        try
        {
            if (bank.Load(source) is { } loadedUpTo)
            {
                return (bank, loadedUpTo);
            }
        }
        catch (EndOfStreamException)
        {
        }

        bank.Dispose();
        return null;
    }

    private DateTimeOffset? Load(Stream source)
    {
        using var digest = new DigestStream(source);
        using var reader = new BinaryReader(digest, Encoding.UTF8, leaveOpen: true);
        if (reader.ReadUInt32() != SnapshotMagic || reader.ReadInt32() != SnapshotVersion)
        {
            return null;
        }

        var loadedUpTo = new DateTimeOffset(reader.ReadInt64(), TimeSpan.Zero);
        var rows = reader.ReadInt32();
        var items = reader.ReadInt32();
        var mediaBytes = reader.ReadInt32();
        var sources = reader.ReadInt32();
        var exact = reader.ReadInt32();
        if (rows < 0 || items < 0 || mediaBytes < 0 || sources < 0 || exact < 0 || rows > MultiIndexHashTable.MaxCount || items > rows)
        {
            return null;
        }

        for (var s = 0; s < sources; s++)
        {
            var read = BankSource.Read(reader);
            _sourceIds.TryAdd(read, _sources.Count);
            _sources.Add(read);
        }

        for (var e = 0; e < exact; e++)
        {
            RememberExact(ReadExact(reader));
        }

        _index.AddRows(digest, rows);
        _rowItems = new int[Math.Max(rows, 1024)];
        digest.ReadExactly(MemoryMarshal.AsBytes(_rowItems.AsSpan(0, rows)));
        _items = new BankedItem[Math.Max(items, 128)];
        digest.ReadExactly(MemoryMarshal.AsBytes(_items.AsSpan(0, items)));
        _itemCount = items;
        _media = new byte[Math.Max(mediaBytes, 4096)];
        digest.ReadExactly(_media.AsSpan(0, mediaBytes));
        _mediaBytes = mediaBytes;

        Span<byte> stored = stackalloc byte[32];
        source.ReadExactly(stored);
        if (!stored.SequenceEqual(digest.Finish()) || !Consistent())
        {
            return null;
        }

        _byKey.EnsureCapacity(items);
        for (var i = 0; i < items; i++)
        {
            IndexItem(i);
        }

        return loadedUpTo;
    }

    /// <summary>Every row names an item and transform it has, and every item's references are in range.</summary>
    private bool Consistent()
    {
        for (var row = 0; row < _index.Count; row++)
        {
            var item = _rowItems[row] >> 3;
            if (item < 0 || item >= _itemCount || (_items[item].Transforms & (1 << (_rowItems[row] & 7))) == 0)
            {
                return false;
            }
        }

        for (var i = 0; i < _itemCount; i++)
        {
            ref readonly var item = ref _items[i];
            if (item.Source < 0 || item.Source >= _sources.Count || item.MediaOffset < 0 || item.MediaOffset + item.MediaLength > _mediaBytes
                || item.OriginalRow >= _index.Count || (item.OriginalRow >= 0 && _rowItems[item.OriginalRow] != i << 3))
            {
                return false;
            }
        }

        return true;
    }

    private bool Remember(HashBankEntry entry)
    {
        if (entry.Md5 is not null)
        {
            return RememberExact(entry);
        }

        if (!PdqHash.TryParse(entry.Pdq, out var hash) || (uint)entry.Transform > 7)
        {
            return false;
        }

        if (!TryItemOf(entry, out var index))
        {
            index = NewItem(entry);
        }

        ref var item = ref _items[index];
        var bit = (byte)(1 << (int)entry.Transform);
        if ((item.Transforms & bit) != 0)
        {
            return false;
        }

        var row = _index.Add(hash);
        if (row == _rowItems.Length)
        {
            Array.Resize(ref _rowItems, _rowItems.Length * 2);
        }

        _rowItems[row] = (index << 3) | (int)entry.Transform;
        item.Transforms |= bit;
        if (entry.Transform == DihedralTransform.Original)
        {
            item.OriginalRow = row;
        }

        return true;
    }

    private int NewItem(HashBankEntry entry)
    {
        if (_itemCount == _items.Length)
        {
            Array.Resize(ref _items, _items.Length * 2);
        }

        var source = new BankSource(entry.OrderId, entry.ProviderId, entry.Bank, entry.LegalBasis, entry.CaseId);
        if (!_sourceIds.TryGetValue(source, out var sourceId))
        {
            sourceId = _sources.Count;
            _sources.Add(source);
            _sourceIds.Add(source, sourceId);
        }

        // Frames of a video share their media id: keep it once while they arrive in a run.
        int offset, length;
        if (_itemCount > 0 && SameMedia(_items[_itemCount - 1], entry.MediaId))
        {
            (offset, length) = (_items[_itemCount - 1].MediaOffset, _items[_itemCount - 1].MediaLength);
        }
        else
        {
            length = Encoding.UTF8.GetByteCount(entry.MediaId);
            if (length > ushort.MaxValue)
            {
                throw new ArgumentException("A media id this long cannot be banked.", nameof(entry));
            }

            if (_mediaBytes + length > _media.Length)
            {
                Array.Resize(ref _media, Math.Max(_media.Length * 2, _mediaBytes + length));
            }

            offset = _mediaBytes;
            _mediaBytes += Encoding.UTF8.GetBytes(entry.MediaId, _media.AsSpan(offset));
        }

        var index = _itemCount++;
        _items[index] = new BankedItem
        {
            MediaOffset = offset,
            MediaLength = (ushort)length,
            Source = sourceId,
            AddedAtTicks = entry.AddedAt.UtcTicks,
            FrameSecond = entry.FrameSecond ?? -1,
            Quality = (sbyte)(entry.Quality is { } q ? Math.Clamp(q, 0, 100) : -1),
            OriginalRow = -1,
        };
        IndexItem(index);
        return index;
    }

    /// <summary>Makes an item findable by its entry id, and a video's first frame by the video's item id.</summary>
    private void IndexItem(int index)
    {
        ref readonly var item = ref _items[index];
        var media = MediaOf(item);
        int? frame = item.FrameSecond < 0 ? null : item.FrameSecond;
        var entryId = HashBankEntry.IdOf(media, frame);
        var key = KeyOf(entryId);
        if (!_byKey.TryAdd(key, index))
        {
            _keyCollisions.TryAdd(entryId, index);
        }

        if (frame is not null)
        {
            var videoId = HashBankEntry.IdOf(media, null);
            var videoKey = KeyOf(videoId);
            ref var frames = ref CollectionsMarshal.GetValueRefOrAddDefault(_videoFrames, videoKey, out var known);
            frames++;
            if (!known && !_byKey.TryAdd(videoKey, index))
            {
                _keyCollisions.TryAdd(videoId, index);
            }
        }
    }

    /// <summary>The item an entry id (or a video's item id) names, checked against the item itself: 64 bits of key can collide.</summary>
    private bool TryItemOf(string entryId, out int index)
    {
        if (_keyCollisions.TryGetValue(entryId, out index))
        {
            return true;
        }

        if (entryId.Length == 23 && entryId.StartsWith("hb-", StringComparison.Ordinal) && _byKey.TryGetValue(KeyOf(entryId), out index))
        {
            ref readonly var item = ref _items[index];
            var media = MediaOf(item);
            if (HashBankEntry.IdOf(media, item.FrameSecond < 0 ? null : item.FrameSecond) == entryId || HashBankEntry.IdOf(media, null) == entryId)
            {
                return true;
            }
        }

        index = -1;
        return false;
    }

    /// <summary>The item an entry belongs to, if held: found by key, confirmed by its media and frame.</summary>
    private bool TryItemOf(HashBankEntry entry, out int index)
    {
        if (_keyCollisions.TryGetValue(entry.EntryId, out index))
        {
            return true;
        }

        if (_byKey.TryGetValue(KeyOf(entry.EntryId), out index))
        {
            ref readonly var item = ref _items[index];
            if (item.FrameSecond == (entry.FrameSecond ?? -1) && SameMedia(item, entry.MediaId))
            {
                return true;
            }
        }

        index = -1;
        return false;
    }

    private bool SameMedia(in BankedItem item, string media)
    {
        Span<byte> bytes = stackalloc byte[256];
        return Encoding.UTF8.GetByteCount(media) == item.MediaLength
            && (item.MediaLength > bytes.Length ? MediaOf(item) == media : _media.AsSpan(item.MediaOffset, item.MediaLength).SequenceEqual(bytes[..Encoding.UTF8.GetBytes(media, bytes)]));
    }

    private static ulong KeyOf(string entryId) => ulong.Parse(entryId.AsSpan(3, 16), System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture);

    private ulong KeyOf(string media, int? frame) => KeyOf(HashBankEntry.IdOf(media, frame));

    private string MediaOf(in BankedItem item) => Encoding.UTF8.GetString(_media, item.MediaOffset, item.MediaLength);

    private HashBankEntry EntryOfRow(int row)
    {
        ref readonly var item = ref _items[_rowItems[row] >> 3];
        var source = _sources[item.Source];
        return new HashBankEntry(
            _index[row].ToHex(),
            item.Quality < 0 ? null : item.Quality,
            source.OrderId,
            source.ProviderId,
            MediaOf(item),
            item.FrameSecond < 0 ? null : item.FrameSecond,
            new DateTimeOffset(item.AddedAtTicks, TimeSpan.Zero))
        {
            Transform = (DihedralTransform)(_rowItems[row] & 7),
            Bank = source.Bank,
            LegalBasis = source.LegalBasis,
            CaseId = source.CaseId,
        };
    }

    private bool RememberExact(HashBankEntry entry)
    {
        if (!_exactKeys.Add($"{entry.EntryId}|{entry.Transform}"))
        {
            return false;
        }

        _exact.Add(entry);
        (CollectionsMarshal.GetValueRefOrAddDefault(_byMd5, entry.Md5!, out _) ??= []).Add(_exact.Count - 1);
        if (entry.Transform == DihedralTransform.Original)
        {
            _exactById.TryAdd(entry.EntryId, _exact.Count - 1);
            _exactById.TryAdd(entry.ItemId, _exact.Count - 1);
        }

        return true;
    }

    private static void WriteExact(BinaryWriter writer, HashBankEntry entry)
    {
        new BankSource(entry.OrderId, entry.ProviderId, entry.Bank, entry.LegalBasis, entry.CaseId).Write(writer);
        writer.Write(entry.Md5!);
        writer.Write(entry.Pdq ?? string.Empty);
        writer.Write(entry.MediaId);
        writer.Write(entry.FrameSecond ?? -1);
        writer.Write(entry.Quality ?? -1);
        writer.Write(entry.AddedAt.UtcTicks);
        writer.Write((int)entry.Transform);
    }

    private static HashBankEntry ReadExact(BinaryReader reader)
    {
        var source = BankSource.Read(reader);
        var md5 = reader.ReadString();
        var pdq = reader.ReadString();
        var media = reader.ReadString();
        var frame = reader.ReadInt32();
        var quality = reader.ReadInt32();
        var addedAt = new DateTimeOffset(reader.ReadInt64(), TimeSpan.Zero);
        return new HashBankEntry(pdq, quality < 0 ? null : quality, source.OrderId, source.ProviderId, media, frame < 0 ? null : frame, addedAt)
        {
            Transform = (DihedralTransform)reader.ReadInt32(),
            Bank = source.Bank,
            LegalBasis = source.LegalBasis,
            CaseId = source.CaseId,
            Md5 = md5,
        };
    }

    /// <summary>One banked item: 32 bytes, written to and read from snapshots as they lie in memory.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct BankedItem
    {
        public long AddedAtTicks;
        public int MediaOffset;
        public int Source;
        public int FrameSecond;
        public int OriginalRow;
        public ushort MediaLength;
        public sbyte Quality;
        public byte Transforms;
    }

    /// <summary>Where an item came from; shared by every item of an order or case.</summary>
    private sealed record BankSource(string OrderId, string ProviderId, string Bank, string? LegalBasis, string? CaseId)
    {
        public void Write(BinaryWriter writer)
        {
            writer.Write(OrderId);
            writer.Write(ProviderId);
            writer.Write(Bank);
            writer.Write(LegalBasis is not null);
            writer.Write(LegalBasis ?? string.Empty);
            writer.Write(CaseId is not null);
            writer.Write(CaseId ?? string.Empty);
        }

        public static BankSource Read(BinaryReader reader)
        {
            var order = reader.ReadString();
            var provider = reader.ReadString();
            var bank = reader.ReadString();
            var legalBasis = reader.ReadBoolean() ? reader.ReadString() : Skip(reader);
            var caseId = reader.ReadBoolean() ? reader.ReadString() : Skip(reader);
            return new BankSource(order, provider, bank, legalBasis, caseId);
        }

        private static string? Skip(BinaryReader reader)
        {
            reader.ReadString();
            return null;
        }
    }

    /// <summary>Passes bytes through while taking their SHA-256, so a snapshot is checked as it streams.</summary>
    private sealed class DigestStream(Stream inner) : Stream
    {
        private readonly System.Security.Cryptography.IncrementalHash _hash = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);

        public override bool CanRead => inner.CanRead;

        public override bool CanSeek => false;

        public override bool CanWrite => inner.CanWrite;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public byte[] Finish() => _hash.GetHashAndReset();

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var read = inner.Read(buffer);
            _hash.AppendData(buffer[..read]);
            return read;
        }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            _hash.AppendData(buffer);
            inner.Write(buffer);
        }

        public override void Flush() => inner.Flush();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _hash.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
