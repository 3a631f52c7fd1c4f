namespace VibeDashboard.Operations.Access;

/// <summary>
/// The short codes an OpenID Connect sign-in sends the browser back to <c>/login?error=&lt;code&gt;</c> with. The
/// browser learns only the code and a sentence; the details (the provider's message, the exception) go to the log.
/// </summary>
public static class OpenIdConnectErrors
{
    /// <summary>The provider signed the person in, but none of their role-claim values maps to a dashboard role.</summary>
    public const string NoRole = "no_role";

    /// <summary>The person (or the provider's policy) declined the sign-in at the provider.</summary>
    public const string AccessDenied = "access_denied";

    /// <summary>The callback's state or correlation cookie was missing, stale, tampered with or already used.</summary>
    public const string State = "state";

    /// <summary>The provider answered with an error, or its tokens did not validate.</summary>
    public const string Provider = "provider";

    /// <summary>Anything else.</summary>
    public const string Failed = "failed";

    /// <summary>The sentence the sign-in page shows for a code; null for a code it does not know (show nothing).</summary>
    public static string? Describe(string? code) => code switch
    {
        NoRole => "You signed in with the identity provider, but none of your groups or roles is mapped to a dashboard role. Ask an admin to map one.",
        AccessDenied => "The sign-in was declined at the identity provider.",
        State => "The sign-in expired or was started in another browser. Try again.",
        Provider => "The identity provider's answer could not be accepted. Try again; if it keeps failing, an admin can find the reason in the dashboard's log.",
        Failed => "The sign-in failed. Try again; if it keeps failing, an admin can find the reason in the dashboard's log.",
        _ => null,
    };
}
