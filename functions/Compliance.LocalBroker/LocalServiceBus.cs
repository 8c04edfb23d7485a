using System.Collections.Concurrent;
using Microsoft.Azure.Amqp;
using Microsoft.Azure.Amqp.Encoding;
using Microsoft.Azure.Amqp.Framing;
using Microsoft.Azure.Amqp.Sasl;
using Microsoft.Azure.Amqp.Transport;

namespace Compliance.LocalBroker;

/// <summary>
/// A Service Bus stand-in speaking AMQP 1.0 on a loopback port: queues and topics with correlation
/// filtered subscriptions, peek-lock with lock renewal, dead-letter queues, scheduled messages and
/// duplicate detection. The real <c>ServiceBusClient</c> connects with <see cref="ConnectionString"/>.
/// </summary>
public sealed class LocalServiceBus : IRuntimeProvider, IDisposable
{
    private const string DeadLetterSuffix = "/$deadletterqueue";
    private const string ManagementSuffix = "/$management";
    private const string Cbs = "$cbs";

    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, QueueEntity> _queues = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, TopicEntity> _topics = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, SendingAmqpLink> _replyLinks = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<AmqpConnection, byte> _connections = new();
    private AmqpTransportListener? _listener;
    private Timer? _ticker;
    private readonly BrokerAuthorization _authorization;
    private readonly AuthorizationRule _namespaceRule;
    private long _sequence;

    /// <param name="namespaceKey">The key of the namespace-wide rule <see cref="NamespaceKeyName"/>, which may do everything: the app's own.</param>
    public LocalServiceBus(int port, TimeProvider? time = null, string namespaceKey = DevelopmentNamespaceKey)
    {
        Port = port;
        _time = time ?? TimeProvider.System;
        _authorization = new BrokerAuthorization(_time);
        _namespaceRule = new AuthorizationRule(NamespaceKeyName, namespaceKey, [new EntityGrant(null, EntityRights.Manage)]);
        _authorization.Add(_namespaceRule);
    }

    public const string NamespaceKeyName = "local";

    /// <summary>The namespace key of local runs: the README prints it, so it protects nothing but the providers' keys derived from it.</summary>
    public const string DevelopmentNamespaceKey = "bG9jYWw=";

    public int Port { get; }

    /// <summary>Plain AMQP on loopback with the namespace-wide key.</summary>
    public string ConnectionString => ConnectionStringFor(_namespaceRule);

    /// <summary>A connection string that signs its tokens with <paramref name="rule"/>'s key, so it can do only what the rule grants.</summary>
    public string ConnectionStringFor(AuthorizationRule rule) =>
        $"Endpoint=sb://localhost:{Port};SharedAccessKeyName={rule.KeyName};SharedAccessKey={rule.Key};UseDevelopmentEmulator=true";

    /// <summary>Adds a key that may use only the entities it names.</summary>
    public void AddAuthorizationRule(AuthorizationRule rule) => _authorization.Add(rule);

    public void AddQueue(string name, EntityOptions? options = null) =>
        _queues.TryAdd(name, new QueueEntity(name, options ?? new EntityOptions(), _time));

    public void AddTopic(string name, EntityOptions? options = null) =>
        _topics.TryAdd(name, new TopicEntity(name, options ?? new EntityOptions(), _time));

    /// <summary>Adds a subscription; without a filter it receives every message of the topic.</summary>
    public void AddSubscription(string topic, string name, CorrelationFilter? filter = null)
    {
        var entity = _topics[topic];
        var path = $"{topic}/Subscriptions/{name}";
        entity.Subscriptions.TryAdd(name, (new MessageStore(path, entity.Options, new MessageStore(path + "/$DeadLetterQueue", entity.Options, null, _time), _time), filter));
    }

    /// <summary>Messages waiting (or locked) in a queue, subscription or dead-letter queue, for diagnostics and tests.</summary>
    public int CountMessages(string path) => FindStore(Normalize(path))?.Count ?? throw new ArgumentException($"No entity at '{path}'.", nameof(path));

    public void Start()
    {
        var settings = new AmqpSettings { RuntimeProvider = this };
        var sasl = new SaslTransportProvider();
        sasl.Versions.Add(new AmqpVersion(1, 0, 0));
        sasl.AddHandler(new SaslAnonymousHandler("MSSBCBS"));
        sasl.AddHandler(new SaslAnonymousHandler());
        settings.TransportProviders.Add(sasl);
        var amqp = new AmqpTransportProvider();
        amqp.Versions.Add(new AmqpVersion(1, 0, 0));
        settings.TransportProviders.Add(amqp);

        var tcp = new TcpTransportSettings { Host = "127.0.0.1", Port = Port };
        _listener = new AmqpTransportListener([tcp.CreateListener()], settings);
        _listener.Listen(OnTransport);
        _ticker = new Timer(_ => Tick(), null, TimeSpan.FromMilliseconds(250), TimeSpan.FromMilliseconds(250));
    }

    public void Dispose()
    {
        _ticker?.Dispose();
        _listener?.Close();
        foreach (var connection in _connections.Keys)
        {
            connection.SafeClose();
        }
    }

    AmqpConnection IConnectionFactory.CreateConnection(TransportBase transport, ProtocolHeader protocolHeader, bool isInitiator, AmqpSettings amqpSettings, AmqpConnectionSettings connectionSettings) =>
        new(transport, protocolHeader, false, amqpSettings, connectionSettings);

    AmqpSession ISessionFactory.CreateSession(AmqpConnection connection, AmqpSessionSettings settings) => throw new InvalidOperationException();

    AmqpLink ILinkFactory.CreateLink(AmqpSession session, AmqpLinkSettings settings)
    {
        if (settings.Role == true)
        {
            settings.MaxMessageSize = 1024 * 1024;
            settings.TotalLinkCredit = 1000;
            settings.AutoSendFlow = true;
            return new ReceivingAmqpLink(session, settings);
        }

        return new SendingAmqpLink(session, settings);
    }

    IAsyncResult ILinkFactory.BeginOpenLink(AmqpLink link, TimeSpan timeout, AsyncCallback callback, object state)
    {
        var address = Normalize((link.IsReceiver ? ((Target)link.Settings.Target).Address : ((Source)link.Settings.Source).Address)?.ToString()
            ?? throw new AmqpException(AmqpErrorCode.InvalidField, "The link has no address."));

        var connection = link.Session.Connection;
        if (address != Cbs)
        {
            // The client puts a token for each link before attaching it, as Service Bus requires.
            var needed = address.EndsWith(ManagementSuffix, StringComparison.OrdinalIgnoreCase) ? EntityRights.None
                : link.IsReceiver ? EntityRights.Send : EntityRights.Listen;
            if (!_authorization.Allows(connection, BrokerAuthorization.StripNode(address), needed))
            {
                throw new AmqpException(AmqpErrorCode.UnauthorizedAccess, $"Unauthorized access to '{address}': no token granting {(needed == EntityRights.None ? "access" : needed.ToString())} was presented.");
            }
        }

        if (address == Cbs || address.EndsWith(ManagementSuffix, StringComparison.OrdinalIgnoreCase))
        {
            var entity = address == Cbs ? null : address[..^ManagementSuffix.Length];
            if (link is ReceivingAmqpLink requests)
            {
                requests.RegisterMessageListener(request => OnRequest(requests, connection, entity, request));
            }
            else if (((Target)link.Settings.Target).Address?.ToString() is { } replyTo)
            {
                _replyLinks[replyTo] = (SendingAmqpLink)link;
                link.Closed += (_, _) => _replyLinks.TryRemove(replyTo, out _);
            }
        }
        else if (link is ReceivingAmqpLink incoming)
        {
            var send = FindSendTarget(address) ?? throw new AmqpException(AmqpErrorCode.NotFound, $"No queue or topic '{address}'.");
            incoming.RegisterMessageListener(message => OnIncoming(incoming, message, send));
        }
        else
        {
            var store = FindStore(address) ?? throw new AmqpException(AmqpErrorCode.NotFound, $"No queue, subscription or dead-letter queue '{address}'.");
            store.Attach((SendingAmqpLink)link);
        }

        return new CompletedOpen(callback, state);
    }

    void ILinkFactory.EndOpenLink(IAsyncResult result)
    {
    }

    private void OnTransport(TransportListener listener, TransportAsyncCallbackArgs args)
    {
        var connection = new AmqpConnection(args.Transport, (ProtocolHeader)args.UserToken, false, _listener!.AmqpSettings, new AmqpConnectionSettings
        {
            ContainerId = "compliance-local-servicebus",
            MaxFrameSize = 65536,
            IdleTimeOut = 4 * 60 * 1000,
        });
        _connections[connection] = 0;
        connection.Closed += (_, _) => _connections.TryRemove(connection, out _);
        _ = OpenAsync(connection);
    }

    private static async Task OpenAsync(AmqpConnection connection)
    {
        try
        {
            await connection.OpenAsync(TimeSpan.FromSeconds(30));
        }
        catch (Exception e) when (e is AmqpException or TimeoutException or OperationCanceledException or IOException or ObjectDisposedException)
        {
            connection.SafeClose(e);
        }
    }

    private void OnIncoming(ReceivingAmqpLink link, AmqpMessage transfer, Action<StoredMessage> send)
    {
        try
        {
            foreach (var message in StoredMessage.FromTransfer(transfer))
            {
                send(message);
            }

            link.DisposeMessage(transfer, AmqpConstants.AcceptedOutcome, true, transfer.Batchable);
        }
        catch (AmqpException e)
        {
            link.DisposeMessage(transfer, new Rejected { Error = e.Error }, true, false);
        }
        finally
        {
            transfer.Dispose();
        }
    }

    private Action<StoredMessage>? FindSendTarget(string address)
    {
        if (_queues.TryGetValue(address, out var queue))
        {
            return message =>
            {
                if (!queue.Duplicates.IsDuplicate(message.MessageId))
                {
                    queue.Store.Enqueue(message, NextSequence());
                }
            };
        }

        if (_topics.TryGetValue(address, out var topic))
        {
            return message =>
            {
                if (topic.Duplicates.IsDuplicate(message.MessageId))
                {
                    return;
                }

                var sequence = NextSequence();
                foreach (var (store, filter) in topic.Subscriptions.Values)
                {
                    if (filter?.Matches(message) ?? true)
                    {
                        store.Enqueue(message.CloneForEntity(), sequence);
                    }
                }
            };
        }

        return null;
    }

    private MessageStore? FindStore(string address)
    {
        var deadLetter = address.EndsWith(DeadLetterSuffix, StringComparison.OrdinalIgnoreCase);
        var path = deadLetter ? address[..^DeadLetterSuffix.Length] : address;
        MessageStore? store = null;
        if (_queues.TryGetValue(path, out var queue))
        {
            store = queue.Store;
        }
        else
        {
            var parts = path.Split('/');
            if (parts.Length == 3 && parts[1].Equals("subscriptions", StringComparison.OrdinalIgnoreCase)
                && _topics.TryGetValue(parts[0], out var topic) && topic.Subscriptions.TryGetValue(parts[2], out var subscription))
            {
                store = subscription.Store;
            }
        }

        return deadLetter ? store?.DeadLetter : store;
    }

    /// <summary>Where a message sent to the entity lands: the queue, or each of the topic's subscriptions.</summary>
    private IEnumerable<MessageStore> StoresOf(string entity) =>
        _queues.TryGetValue(entity, out var queue) ? [queue.Store]
        : _topics.TryGetValue(entity, out var topic) ? topic.Subscriptions.Values.Select(s => s.Store)
        : [];

    private IEnumerable<MessageStore> AllStores() =>
        _queues.Values.Select(q => q.Store).Concat(_topics.Values.SelectMany(t => t.Subscriptions.Values.Select(s => s.Store)))
            .SelectMany(s => new[] { s, s.DeadLetter! });

    private void Tick()
    {
        foreach (var store in AllStores())
        {
            store.Tick();
        }
    }

    private long NextSequence() => Interlocked.Increment(ref _sequence);

    private void OnRequest(ReceivingAmqpLink link, AmqpConnection connection, string? entity, AmqpMessage request)
    {
        link.DisposeMessage(request, AmqpConstants.AcceptedOutcome, true, false);
        AmqpMessage reply;
        if (entity is null)
        {
            var refusal = _authorization.Authorize(connection, request.ApplicationProperties.Map["name"] as string, request.ValueBody?.Value as string);
            reply = AmqpMessage.Create(new AmqpValue { Value = refusal is null ? "accepted" : "unauthorized" });
            reply.ApplicationProperties.Map["status-code"] = refusal is null ? 202 : 401;
            reply.ApplicationProperties.Map["status-description"] = refusal ?? "Accepted";
        }
        else
        {
            reply = Management(connection, entity, request);
        }

        reply.Properties.CorrelationId = request.Properties.MessageId;
        var replyTo = request.Properties.ReplyTo?.ToString();
        request.Dispose();
        if (replyTo is not null && _replyLinks.TryGetValue(replyTo, out var replies))
        {
            replies.SendMessageNoWait(reply, new ArraySegment<byte>(Guid.NewGuid().ToByteArray()), new ArraySegment<byte>());
        }
    }

    private AmqpMessage Management(AmqpConnection connection, string entity, AmqpMessage request)
    {
        var operation = request.ApplicationProperties.Map["operation"] as string;
        var needed = operation == "com.microsoft:renew-lock" ? EntityRights.Listen : EntityRights.Send;
        if (!_authorization.Allows(connection, entity, needed))
        {
            return Error(401, "com.microsoft:unauthorized-access", $"{operation} needs {needed} on '{entity}'.");
        }

        var body = request.ValueBody?.Value as AmqpMap;
        var result = new AmqpMap();
        var status = 200;
        switch (operation)
        {
            case "com.microsoft:renew-lock":
                var store = FindStore(entity);
                var tokens = body?[new MapKey("lock-tokens")] as Guid[] ?? [];
                var expirations = tokens.Select(t => store?.RenewLock(t)).ToArray();
                if (expirations.Any(e => e is null))
                {
                    return Error(410, "com.microsoft:message-lock-lost", "The lock on the message was lost.");
                }

                result[new MapKey("expirations")] = expirations.Select(e => e!.Value).ToArray();
                break;
            case "com.microsoft:schedule-message":
                var send = FindSendTarget(entity);
                var sequences = new List<long>();
                foreach (var item in (body?[new MapKey("messages")] as System.Collections.IEnumerable)?.OfType<AmqpMap>() ?? [])
                {
                    var encoded = item[new MapKey("message")] switch
                    {
                        ArraySegment<byte> segment => segment.ToArray(),
                        byte[] bytes => bytes,
                        _ => [],
                    };
                    var message = StoredMessage.FromEncoded(encoded);
                    send?.Invoke(message);
                    sequences.Add(Interlocked.Read(ref _sequence));
                }

                result[new MapKey("sequence-numbers")] = sequences.ToArray();
                break;
            case "com.microsoft:cancel-scheduled-message":
                // Only the entity the caller holds rights on: a key for one queue cannot cancel another's messages.
                foreach (var sequence in body?[new MapKey("sequence-numbers")] as long[] ?? [])
                {
                    foreach (var candidate in StoresOf(entity))
                    {
                        candidate.CancelScheduled(sequence);
                    }
                }

                break;
            default:
                return Error(501, "com.microsoft:not-implemented", $"The local broker does not implement {operation}.");
        }

        var reply = AmqpMessage.Create(new AmqpValue { Value = result });
        reply.ApplicationProperties.Map["statusCode"] = status;
        reply.ApplicationProperties.Map["statusDescription"] = "OK";
        return reply;
    }

    private static AmqpMessage Error(int status, string condition, string description)
    {
        var reply = AmqpMessage.Create(new AmqpValue { Value = new AmqpMap() });
        reply.ApplicationProperties.Map["statusCode"] = status;
        reply.ApplicationProperties.Map["statusDescription"] = description;
        reply.ApplicationProperties.Map["errorCondition"] = new AmqpSymbol(condition);
        return reply;
    }

    /// <summary>Entity paths arrive as "/name", "name" or a full amqp:// address.</summary>
    private static string Normalize(string address)
    {
        if (Uri.TryCreate(address, UriKind.Absolute, out var uri) && uri.Scheme is "amqp" or "amqps" or "sb")
        {
            address = uri.AbsolutePath;
        }

        return address.TrimStart('/');
    }

    private sealed class CompletedOpen : IAsyncResult
    {
        public CompletedOpen(AsyncCallback callback, object state)
        {
            AsyncState = state;
            callback(this);
        }

        public object AsyncState { get; }

        public WaitHandle AsyncWaitHandle => throw new NotSupportedException();

        public bool CompletedSynchronously => true;

        public bool IsCompleted => true;
    }
}
