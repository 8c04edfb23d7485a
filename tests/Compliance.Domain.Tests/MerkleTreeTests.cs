using System.Text.Json;
using Compliance.AuditLog;

namespace Compliance.Domain.Tests;

/// <summary>Against transparency-dev's RFC 6962 test data: the same leaves, roots and proofs other logs use.</summary>
public sealed class MerkleTreeTests
{
    // transparency-dev/merkle testonly: the eight leaf inputs and the root of every prefix of them.
    private static readonly string[] Inputs = ["", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f"];

    private static readonly string[] Roots =
    [
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    ];

    private static List<byte[]> Leaves() => Inputs.Select(i => MerkleTree.LeafHash(Convert.FromHexString(i))).ToList();

    [Fact]
    public void Roots_of_every_prefix_match_the_reference()
    {
        var leaves = Leaves();

        for (var size = 0; size <= leaves.Count; size++)
        {
            Assert.Equal(Roots[size], Convert.ToHexStringLower(MerkleTree.Root(leaves.Take(size).ToList())));
        }
    }

    public static TheoryData<string> Vectors(string kind) =>
        new(Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "fixtures", "merkle", kind), "*.json", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(Path.Combine(AppContext.BaseDirectory, "fixtures", "merkle", kind), f))
            .Order(StringComparer.Ordinal));

    [Theory]
    [MemberData(nameof(Vectors), "inclusion")]
    public void Inclusion_proofs_verify_exactly_when_the_reference_says(string file)
    {
        var v = Load("inclusion", file);

        // An index beyond the signed 64-bit range (a wrapped "index - 1") is no index of ours at all.
        var valid = v.GetProperty("leafIdx").TryGetInt64(out var index)
            && MerkleTree.VerifyInclusion(index, v.GetProperty("treeSize").GetInt64(), Bytes(v, "leafHash"), Proof(v), Bytes(v, "root"));

        Assert.Equal(!v.GetProperty("wantErr").GetBoolean(), valid);
    }

    [Theory]
    [MemberData(nameof(Vectors), "consistency")]
    public void Consistency_proofs_verify_exactly_when_the_reference_says(string file)
    {
        var v = Load("consistency", file);

        var valid = MerkleTree.VerifyConsistency(v.GetProperty("size1").GetInt64(), v.GetProperty("size2").GetInt64(), Proof(v), Bytes(v, "root1"), Bytes(v, "root2"));

        Assert.Equal(!v.GetProperty("wantErr").GetBoolean(), valid);
    }

    [Fact]
    public void Proofs_built_here_are_the_reference_proofs_and_verify_for_every_size()
    {
        var leaves = Leaves();
        var reference = Load("inclusion", Path.Combine("1", "happy-path.json"));
        Assert.Equal(Proof(reference).Select(Convert.ToBase64String), MerkleTree.InclusionProof(leaves, 0, 8).Select(Convert.ToBase64String));
        var consistency = Load("consistency", Path.Combine("1", "happy-path.json"));
        Assert.Equal(Proof(consistency).Select(Convert.ToBase64String), MerkleTree.ConsistencyProof(leaves, 1, 8).Select(Convert.ToBase64String));

        for (var size = 1; size <= leaves.Count; size++)
        {
            var root = MerkleTree.Root(leaves.Take(size).ToList());
            for (var index = 0; index < size; index++)
            {
                Assert.True(MerkleTree.VerifyInclusion(index, size, leaves[index], MerkleTree.InclusionProof(leaves, index, size), root));
                Assert.False(MerkleTree.VerifyInclusion(index, size, leaves[(index + 1) % leaves.Count], MerkleTree.InclusionProof(leaves, index, size), root));
            }

            for (var older = 1; older <= size; older++)
            {
                var olderRoot = MerkleTree.Root(leaves.Take(older).ToList());
                Assert.True(MerkleTree.VerifyConsistency(older, size, MerkleTree.ConsistencyProof(leaves, older, size), olderRoot, root));
            }
        }
    }

    private static JsonElement Load(string kind, string file) =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "fixtures", "merkle", kind, file))).RootElement;

    private static byte[] Bytes(JsonElement v, string name) =>
        v.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? Convert.FromBase64String(value.GetString()!) : [];

    private static List<byte[]> Proof(JsonElement v) =>
        v.TryGetProperty("proof", out var proof) && proof.ValueKind == JsonValueKind.Array ? proof.EnumerateArray().Select(p => Convert.FromBase64String(p.GetString()!)).ToList() : [];
}
