import type ts from 'typescript';

export declare const ROUTER_FILE: string;

/** A property name as TypeScript writes it: bare when it is an identifier, quoted otherwise. */
export declare function propertyKey(name: string): string;

export interface RouterTypes {
  checker: ts.TypeChecker;
  /** `typeof appRouter`. */
  routerType: ts.Type;
  /** The type of property `name` of `type`, or undefined. */
  member: (type: ts.Type, name: string) => ts.Type | undefined;
  /** The type of property `name` of `type`; throws, naming `where`, when there is none. */
  prop: (type: ts.Type, name: string, where?: string) => ts.Type;
  /** `type` as plain TypeScript, objects expanded over lines indented from `indent`. */
  print: (type: ts.Type, indent?: string) => string;
}

export declare function loadRouterTypes(): RouterTypes;
