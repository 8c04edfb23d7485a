using Compliance.Access;
using Compliance.Cli;
using Compliance.Infrastructure.Identity;

return await ComplianceCli.RunAsync(args, Console.Out, Console.Error);

namespace Compliance.Cli
{
    internal static class DevelopmentTokenCommand
    {
        public static string Run(string roleText, string? provider, string? subject, int minutes, TimeProvider time)
        {
            var role = Enum.Parse<Role>(roleText, ignoreCase: true);
            if ((role == Role.Provider) != (provider is not null))
            {
                throw new UsageException("--provider is required for the provider role, and only for it.");
            }

            subject ??= provider is null ? $"dev-{role.ToString().ToLowerInvariant()}" : $"dev-{provider}";
            var key = Environment.GetEnvironmentVariable("Auth__SigningKey") ?? DevelopmentTokens.SigningKey;
            return DevelopmentTokens.Create(role, provider, subject, time.GetUtcNow(), TimeSpan.FromMinutes(minutes), key);
        }
    }
}
