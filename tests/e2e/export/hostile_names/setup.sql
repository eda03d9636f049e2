-- Names that must never escape the export root and must stay apart: '/', '\', '..', quotes,
-- spaces, control characters, unicode, upper/lower-case twins, names equal after sanitizing.
CREATE SCHEMA "../../escape";
CREATE SCHEMA "Mixed Case";
CREATE SCHEMA "schéma ünï";
CREATE TABLE "../../escape"."../passwd" (id int, "we/ird col" text);
INSERT INTO "../../escape"."../passwd" VALUES (1, 'one');
CREATE TABLE public."a/b" (v int);
INSERT INTO public."a/b" VALUES (1);
CREATE TABLE public."a_b" (v int);
INSERT INTO public."a_b" VALUES (2);
CREATE TABLE public."a\b" (v int);
INSERT INTO public."a\b" VALUES (3);
CREATE TABLE public."Twin" (v int);
INSERT INTO public."Twin" VALUES (10);
CREATE TABLE public."twin" (v int);
INSERT INTO public."twin" VALUES (20);
CREATE TABLE "Mixed Case"."with ""quotes"" and spaces" ("Col ""Q""" text, "Ünï" int);
INSERT INTO "Mixed Case"."with ""quotes"" and spaces" VALUES ('q', 1);
CREATE TABLE "schéma ünï"."tåble 🐘" (v text);
INSERT INTO "schéma ünï"."tåble 🐘" VALUES ('elephant');
CREATE TABLE public.".." (v int);
INSERT INTO public.".." VALUES (4);
-- A table name with a tab and a newline (U&"" escapes build the identifier).
CREATE TABLE public.U&"tab\0009new\000Aline" (v int);
INSERT INTO public.U&"tab\0009new\000Aline" VALUES (5);
