using System.Security.Cryptography;
using Compliance.Infrastructure.Cases;

namespace Compliance.Api.Tests;

public sealed class CaseSecretsTests
{
    private static readonly CaseSecrets Secrets = new(new CaseOptions { Key = CaseOptions.DevelopmentKey });

    [Fact]
    public void The_access_code_is_the_same_for_a_case_every_time_differs_between_cases_and_keys_and_is_checked_leniently()
    {
        var code = Secrets.AccessCode("case-000000000000000000000001");

        Assert.Equal(code, Secrets.AccessCode("case-000000000000000000000001"));
        Assert.Matches("^[0-9A-HJKMNP-TV-Z]{5}(-[0-9A-HJKMNP-TV-Z]{5}){3}$", code);
        Assert.NotEqual(code, Secrets.AccessCode("case-000000000000000000000002"));
        Assert.NotEqual(code, new CaseSecrets(new CaseOptions { Key = Convert.ToBase64String(new byte[32]) }).AccessCode("case-000000000000000000000001"));
        Assert.True(Secrets.IsAccessCode("case-000000000000000000000001", code.ToLowerInvariant().Replace("-", " ", StringComparison.Ordinal)));
        Assert.False(Secrets.IsAccessCode("case-000000000000000000000002", code));
        Assert.False(Secrets.IsAccessCode("case-000000000000000000000001", code[..^1] + (code[^1] == '0' ? '1' : '0')));
        Assert.False(Secrets.IsAccessCode("case-000000000000000000000001", null));
        Assert.False(Secrets.IsAccessCode("case-000000000000000000000001", ""));
    }

    [Fact]
    public void Personal_data_is_sealed_to_its_case_and_never_the_same_ciphertext_twice()
    {
        var sealedOnce = Secrets.Protect("case-a", "+82-10-5555-0199");
        var sealedTwice = Secrets.Protect("case-a", "+82-10-5555-0199");

        Assert.NotEqual(sealedOnce, sealedTwice);
        Assert.DoesNotContain("5555", sealedOnce, StringComparison.Ordinal);
        Assert.Equal("+82-10-5555-0199", Secrets.Unprotect("case-a", sealedOnce));
        Assert.ThrowsAny<CryptographicException>(() => Secrets.Unprotect("case-b", sealedOnce));
        // Flip one bit of the sealed bytes (not a base64 character, whose low bits may be padding).
        var bytes = Convert.FromBase64String(sealedOnce["v1.".Length..]);
        bytes[^1] ^= 0x01;
        var tampered = "v1." + Convert.ToBase64String(bytes);
        Assert.ThrowsAny<CryptographicException>(() => Secrets.Unprotect("case-a", tampered));
    }

    [Fact]
    public void The_development_key_is_refused_in_Azure_and_a_key_of_the_wrong_size_anywhere()
    {
        var options = new CaseOptions { Key = CaseOptions.DevelopmentKey };
        var refused = Assert.Throws<InvalidOperationException>(() => options.RefuseDevelopmentKeyOutsideDevelopment("compliance-prod-abc", null));
        Assert.Contains("development key", refused.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => options.RefuseDevelopmentKeyOutsideDevelopment(null, "Production"));
        options.RefuseDevelopmentKeyOutsideDevelopment(null, "Development");
        Assert.Throws<InvalidOperationException>(() => new CaseSecrets(new CaseOptions { Key = Convert.ToBase64String(new byte[16]) }));
        Assert.Throws<InvalidOperationException>(() => new CaseSecrets(new CaseOptions()));
    }
}
