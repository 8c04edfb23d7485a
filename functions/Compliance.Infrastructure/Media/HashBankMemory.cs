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
/// <see cref="HashBankEntry"/> is made only when a lookup returns it. A new instance holding 10M stored
/// hashes (1.25M items) measured 986 MB resident in all (infra/bench detection bank), where one record
/// object per stored hash had taken about 760 bytes each, 7.6 GB at that size.
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
    private const int Headroom = 8; // a loaded bank gets room for an eighth more before any array is copied

    private readonly ReaderWriterLockSlim _gate = new();
    private readonly MultiIndexHashTable _index = new();
    private readonly List<BankSource> _sources = [];
    private readonly Dictionary<BankSource, int> _sourceIds = [];
    // Items by the first 64 bits of their entry id (and a video's first frame by the video's item id):
    // sorted arrays as loaded, which take a third of a dictionary's memory, and a dictionary of those added since.
    private ulong[] _loadedKeys = [];
    private int[] _loadedKeyItems = [];
    private readonly Dictionary<ulong, int> _byKey = [];
    private readonly Dictionary<string, int> _keyCollisions = new(StringComparer.Ordinal);
    private readonly Dictionary<ulong, int> _videoFrames = [];
    private readonly List<HashBankEntry> _exact = [];
    private readonly HashSet<string> _exactKeys = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<int>> _byMd5 = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _exactById = new(StringComparer.Ordinal);
    // Rows held outside their item's run (a transform that came after other items' rows): row → item << 3 | transform.
    private readonly Dictionary<int, int> _strays = [];
    private BankedItem[] _items = new BankedItem[128];
    private int _itemCount;
    private byte[] _media = new byte[4096];
    private int _mediaBytes;

    /// <summary>Stored PDQ hashes (each transform of each item counts).</summary>
    public int Count => _index.Count;

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
            var best = new Dictionary<int, (int Row, int Distance, int Transform)>();
            foreach (var (row, distance) in near)
            {
                var (item, transform) = ItemOfRow(row);
                if (!best.TryGetValue(item, out var known) || distance < known.Distance || (distance == known.Distance && transform < known.Transform))
                {
                    best[item] = (row, distance, transform);
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
            // By media id: the video's key (a hash of its id) is worked out once per video found, not per row.
            var videos = new Dictionary<string, (HashBankEntry First, HashSet<int> Query, HashSet<int> Banked)>(StringComparer.Ordinal);
            var excluded = new HashSet<string>(StringComparer.Ordinal);
            for (var frame = 0; frame < near.Count; frame++)
            {
                foreach (var (row, _) in near[frame])
                {
                    ref readonly var item = ref _items[ItemOfRow(row).Item];
                    if (item.FrameSecond < 0)
                    {
                        continue;
                    }

                    var media = MediaOf(item);
                    if (excluded.Contains(media))
                    {
                        continue;
                    }

                    ref var video = ref CollectionsMarshal.GetValueRefOrAddDefault(videos, media, out var exists);
                    if (!exists)
                    {
                        var entry = EntryOfRow(row);
                        if (!included(entry))
                        {
                            videos.Remove(media);
                            excluded.Add(media);
                            continue;
                        }

                        video = (entry, [], []);
                    }

                    video.Query.Add(frame);
                    video.Banked.Add(item.FrameSecond);
                }
            }

            return [.. videos.Select(v => new VideoBankMatch(v.Value.First, v.Value.Query.Count, frames.Count, v.Value.Banked.Count, _videoFrames[KeyOf(v.Key, null)]))];
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
            return OriginalRow(index) is { } row ? EntryOfRow(row) : null;
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

                writer.Write(_keyCollisions.Count);
                foreach (var (entryId, item) in _keyCollisions)
                {
                    writer.Write(entryId);
                    writer.Write(item);
                }

                writer.Write(_videoFrames.Count);
                foreach (var (key, frames) in _videoFrames)
                {
                    writer.Write(key);
                    writer.Write(frames);
                }

                writer.Write(_strays.Count);
                foreach (var (row, item) in _strays)
                {
                    writer.Write(row);
                    writer.Write(item);
                }

                // Saved sorted, so that a new instance neither hashes every item's id again nor sorts.
                var keys = new ulong[_loadedKeys.Length + _byKey.Count];
                var keyItems = new int[keys.Length];
                _loadedKeys.CopyTo(keys, 0);
                _loadedKeyItems.CopyTo(keyItems, 0);
                _byKey.Keys.CopyTo(keys, _loadedKeys.Length);
                _byKey.Values.CopyTo(keyItems, _loadedKeys.Length);
                Array.Sort(keys, keyItems);
                writer.Write(keys.Length);
                writer.Flush();
                digest.Write(MemoryMarshal.AsBytes(keys.AsSpan()));
                digest.Write(MemoryMarshal.AsBytes(keyItems.AsSpan()));
            }

            _index.WriteRows(digest);
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

        for (var c = reader.ReadInt32(); c > 0; c--)
        {
            _keyCollisions[reader.ReadString()] = reader.ReadInt32();
        }

        for (var v = reader.ReadInt32(); v > 0; v--)
        {
            _videoFrames[reader.ReadUInt64()] = reader.ReadInt32();
        }

        for (var r = reader.ReadInt32(); r > 0; r--)
        {
            _strays[reader.ReadInt32()] = reader.ReadInt32();
        }

        var keys = reader.ReadInt32();
        if (keys < 0 || keys > 2 * items)
        {
            return null;
        }

        _loadedKeys = GC.AllocateUninitializedArray<ulong>(keys);
        _loadedKeyItems = GC.AllocateUninitializedArray<int>(keys);
        digest.ReadExactly(MemoryMarshal.AsBytes(_loadedKeys.AsSpan()));
        digest.ReadExactly(MemoryMarshal.AsBytes(_loadedKeyItems.AsSpan()));

        _index.AddRows(digest, rows);
        _items = GC.AllocateUninitializedArray<BankedItem>(Math.Max(items + (items / Headroom), 128));
        digest.ReadExactly(MemoryMarshal.AsBytes(_items.AsSpan(0, items)));
        _itemCount = items;
        _media = GC.AllocateUninitializedArray<byte>(Math.Max(mediaBytes + (mediaBytes / Headroom), 4096));
        digest.ReadExactly(_media.AsSpan(0, mediaBytes));
        _mediaBytes = mediaBytes;

        Span<byte> stored = stackalloc byte[32];
        source.ReadExactly(stored);
        return stored.SequenceEqual(digest.Finish()) && Consistent() ? loadedUpTo : null;
    }

    /// <summary>
    /// Items' runs follow one another in row order, every row is in a run or a stray, every
    /// transform an item claims is held once, and every reference is in range.
    /// </summary>
    private bool Consistent()
    {
        var rows = _index.Count;
        var next = 0;
        var covered = 0L;
        var seen = new byte[_itemCount];
        for (var i = 0; i < _itemCount; i++)
        {
            ref readonly var item = ref _items[i];
            var run = item.RunLength;
            if (item.FirstRow < next || run is < 1 or > 8 || item.FirstRow + run > rows || item.Source < 0 || item.Source >= _sources.Count
                || item.MediaOffset < 0 || item.MediaOffset + MediaForm.StoredLength(item.MediaLength) > _mediaBytes)
            {
                return false;
            }

            for (var k = next; k < item.FirstRow; k++)
            {
                if (!_strays.ContainsKey(k))
                {
                    return false;
                }
            }

            for (var k = 0; k < run; k++)
            {
                if (!Claim(ref seen[i], item.TransformAt(k)) || _strays.ContainsKey(item.FirstRow + k))
                {
                    return false;
                }
            }

            next = item.FirstRow + run;
            covered += run;
        }

        foreach (var (row, packed) in _strays)
        {
            if ((uint)row >= (uint)rows || (uint)(packed >> 3) >= (uint)_itemCount || !Claim(ref seen[packed >> 3], packed & 7))
            {
                return false;
            }
        }

        for (var i = 0; i < _itemCount; i++)
        {
            if (seen[i] != _items[i].Transforms)
            {
                return false;
            }
        }

        for (var k = 0; k < _loadedKeys.Length; k++)
        {
            if ((k > 0 && _loadedKeys[k] <= _loadedKeys[k - 1]) || (uint)_loadedKeyItems[k] >= (uint)_itemCount)
            {
                return false;
            }
        }

        return _strays.Count + covered == rows;

        static bool Claim(ref byte seen, int transform)
        {
            var bit = (byte)(1 << transform);
            var fresh = (seen & bit) == 0;
            seen |= bit;
            return fresh;
        }
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
        if (item.RunLength == 0 || (row == item.FirstRow + item.RunLength && item.RunLength < 8))
        {
            // The item's rows run on: its run grows by one.
            item.FirstRow = item.RunLength == 0 ? row : item.FirstRow;
            item.Order |= (uint)entry.Transform << (3 * item.RunLength);
            item.RunLength++;
        }
        else
        {
            _strays.Add(row, (index << 3) | (int)entry.Transform);
        }

        item.Transforms |= bit;
        return true;
    }

    private int NewItem(HashBankEntry entry)
    {
        if (_itemCount == _items.Length)
        {
            Array.Resize(ref _items, Grown(_items.Length));
        }

        var source = new BankSource(entry.OrderId, entry.ProviderId, entry.Bank, entry.LegalBasis, entry.CaseId);
        if (!_sourceIds.TryGetValue(source, out var sourceId))
        {
            sourceId = _sources.Count;
            _sources.Add(source);
            _sourceIds.Add(source, sourceId);
        }

        // Frames of a video share their media id: keep it once while they arrive in a run.
        int offset;
        ushort length;
        if (_itemCount > 0 && SameMedia(_items[_itemCount - 1], entry.MediaId))
        {
            (offset, length) = (_items[_itemCount - 1].MediaOffset, _items[_itemCount - 1].MediaLength);
        }
        else
        {
            var bytes = MediaForm.StoredLength(MediaForm.Length(entry.MediaId));
            if (_mediaBytes + bytes > _media.Length)
            {
                Array.Resize(ref _media, Math.Max(Grown(_media.Length), _mediaBytes + bytes));
            }

            offset = _mediaBytes;
            length = MediaForm.Write(entry.MediaId, _media.AsSpan(offset));
            _mediaBytes += bytes;
        }

        var index = _itemCount++;
        _items[index] = new BankedItem
        {
            MediaOffset = offset,
            MediaLength = length,
            Source = sourceId,
            AddedAtTicks = entry.AddedAt.UtcTicks,
            FrameSecond = entry.FrameSecond ?? -1,
            Quality = (sbyte)(entry.Quality is { } q ? Math.Clamp(q, 0, 100) : -1),
            FirstRow = _index.Count, // its first row comes next; first rows must rise with the item index
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
        if (!AddKey(KeyOf(entryId), index))
        {
            _keyCollisions.TryAdd(entryId, index);
        }

        if (frame is not null)
        {
            var videoId = HashBankEntry.IdOf(media, null);
            var videoKey = KeyOf(videoId);
            ref var frames = ref CollectionsMarshal.GetValueRefOrAddDefault(_videoFrames, videoKey, out var known);
            frames++;
            if (!known && !AddKey(videoKey, index))
            {
                _keyCollisions.TryAdd(videoId, index);
            }
        }
    }

    private bool AddKey(ulong key, int index) => !TryKey(key, out _) && _byKey.TryAdd(key, index);

    private bool TryKey(ulong key, out int index)
    {
        var at = Array.BinarySearch(_loadedKeys, key);
        if (at >= 0)
        {
            index = _loadedKeyItems[at];
            return true;
        }

        return _byKey.TryGetValue(key, out index);
    }

    /// <summary>Doubling while small; by a quarter once large, where doubling would hold hundreds of MB unused.</summary>
    private static int Grown(int length) => length < (1 << 20) ? length * 2 : length + (length / 4);

    /// <summary>The item an entry id (or a video's item id) names, checked against the item itself: 64 bits of key can collide.</summary>
    private bool TryItemOf(string entryId, out int index)
    {
        if (_keyCollisions.TryGetValue(entryId, out index))
        {
            return true;
        }

        if (entryId.Length == 23 && entryId.StartsWith("hb-", StringComparison.Ordinal) && !entryId.AsSpan(3).ContainsAnyExcept(MediaForm.HexDigits) && TryKey(KeyOf(entryId), out index))
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

        if (TryKey(KeyOf(entry.EntryId), out index))
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
        var length = MediaForm.Length(media);
        if (length != item.MediaLength)
        {
            return false;
        }

        var stored = MediaForm.StoredLength(length);
        Span<byte> bytes = stored <= 256 ? stackalloc byte[stored] : new byte[stored];
        MediaForm.Write(media, bytes);
        return _media.AsSpan(item.MediaOffset, stored).SequenceEqual(bytes);
    }

    private static ulong KeyOf(string entryId) => ulong.Parse(entryId.AsSpan(3, 16), System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture);

    private ulong KeyOf(string media, int? frame) => KeyOf(HashBankEntry.IdOf(media, frame));

    private string MediaOf(in BankedItem item) => MediaForm.Read(_media.AsSpan(item.MediaOffset), item.MediaLength);

    /// <summary>The item a row belongs to and its transform: a stray, or the run (found by binary search on first rows) it sits in.</summary>
    private (int Item, int Transform) ItemOfRow(int row)
    {
        if (_strays.Count > 0 && _strays.TryGetValue(row, out var packed))
        {
            return (packed >> 3, packed & 7);
        }

        int low = 0, high = _itemCount - 1;
        while (low < high)
        {
            var middle = (low + high + 1) >> 1;
            if (_items[middle].FirstRow <= row)
            {
                low = middle;
            }
            else
            {
                high = middle - 1;
            }
        }

        return (low, _items[low].TransformAt(row - _items[low].FirstRow));
    }

    private int? OriginalRow(int index)
    {
        ref readonly var item = ref _items[index];
        for (var k = 0; k < item.RunLength; k++)
        {
            if (item.TransformAt(k) == (int)DihedralTransform.Original)
            {
                return item.FirstRow + k;
            }
        }

        foreach (var (row, packed) in _strays)
        {
            if (packed == index << 3)
            {
                return row;
            }
        }

        return null;
    }

    private HashBankEntry EntryOfRow(int row)
    {
        var (index, transform) = ItemOfRow(row);
        ref readonly var item = ref _items[index];
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
            Transform = (DihedralTransform)transform,
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

    /// <summary>
    /// One banked item: 32 bytes, written to and read from snapshots as they lie in memory. Its rows
    /// in the index are a run from <see cref="FirstRow"/> (rows come an item at a time), with each
    /// row's transform in <see cref="Order"/>, so no per-row record is needed: at 10M stored hashes
    /// that saves the 40 MB a row-to-item array would take.
    /// </summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct BankedItem
    {
        public long AddedAtTicks;
        public int MediaOffset;
        public int Source;
        public int FrameSecond;
        public int FirstRow;

        /// <summary>Three bits per row of the run, its transform; the run's length in bits 24-27.</summary>
        public uint Order;
        /// <summary>As <see cref="MediaForm"/> encodes it.</summary>
        public ushort MediaLength;
        public sbyte Quality;

        /// <summary>Every transform held, in the run or as a stray.</summary>
        public byte Transforms;

        public int RunLength
        {
            readonly get => (int)(Order >> 24);
            set => Order = (Order & 0xFFFFFF) | ((uint)value << 24);
        }

        public readonly int TransformAt(int k) => (int)((Order >> (3 * k)) & 7);
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
}
