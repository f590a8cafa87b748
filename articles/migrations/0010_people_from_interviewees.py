"""Interviews named their interviewee as text only (issue 21): each distinct name becomes a person, or
the author of that exact name, so an interviewee who is also an author is one person with one page."""

from django.db import migrations

from issues.slugs import slug_for


def link_interviewees(apps, schema_editor):
    Author = apps.get_model("articles", "Author")
    Article = apps.get_model("articles", "Article")
    people = {}
    for person in Author.objects.order_by("pk"):
        people.setdefault(person.name.strip(), person)
    taken = set(Author.objects.values_list("slug", flat=True))
    interviews = Article.objects.filter(interviewee__isnull=True).exclude(interviewee_name="").order_by("pk")
    for article in interviews.only("pk", "interviewee_name", "interviewee_position"):
        name = article.interviewee_name.strip()
        if not name:
            continue
        person = people.get(name)
        if person is None:
            base = slug_for(name, max_length=190)
            slug, n = base, 2
            while slug in taken:
                slug, n = f"{base}-{n}", n + 1
            taken.add(slug)
            person = Author.objects.create(name=name, slug=slug, position=article.interviewee_position.strip())
            people[name] = person
        # update(): the article's own "updated" time and its search index stay as they were.
        Article.objects.filter(pk=article.pk).update(interviewee=person)


class Migration(migrations.Migration):
    dependencies = [("articles", "0009_people")]

    operations = [migrations.RunPython(link_interviewees, migrations.RunPython.noop)]
