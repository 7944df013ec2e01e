using Spectre.Console.Cli;

namespace AicSim.Cli.Infrastructure;

/// <summary>
/// A minimal registrar so commands receive their console through the constructor: the CLI writes to the real
/// terminal, tests to a capturing console, with no static global in between.
/// </summary>
internal sealed class TypeRegistrar : ITypeRegistrar
{
    private readonly Dictionary<Type, List<Func<object>>> _factories = [];

    public void Register(Type service, Type implementation) => Add(service, () => Create(implementation));

    public void RegisterInstance(Type service, object implementation) => Add(service, () => implementation);

    public void RegisterLazy(Type service, Func<object> factory) => Add(service, factory);

    public ITypeResolver Build() => new Resolver(this);

    private void Add(Type service, Func<object> factory)
    {
        if (!_factories.TryGetValue(service, out var list))
        {
            _factories[service] = list = [];
        }

        list.Add(factory);
    }

    private object Create(Type type)
    {
        var ctor = type.GetConstructors().OrderByDescending(c => c.GetParameters().Length).First();
        var args = ctor.GetParameters().Select(p => Resolve(p.ParameterType)).ToArray();
        return ctor.Invoke(args);
    }

    private object Resolve(Type type)
    {
        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IEnumerable<>))
        {
            var item = type.GetGenericArguments()[0];
            var all = _factories.TryGetValue(item, out var fs) ? fs.Select(f => f()).ToArray() : [];
            var array = Array.CreateInstance(item, all.Length);
            Array.Copy(all, array, all.Length);
            return array;
        }

        if (_factories.TryGetValue(type, out var factories))
        {
            return factories[^1]();
        }

        return type.IsAbstract || type.IsInterface ? throw new InvalidOperationException($"No registration for {type}.") : Create(type);
    }

    private sealed class Resolver(TypeRegistrar registrar) : ITypeResolver
    {
        public object? Resolve(Type? type) => type is null ? null : registrar.Resolve(type);
    }
}
