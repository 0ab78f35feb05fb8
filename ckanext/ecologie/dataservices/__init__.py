"""APIs: `dcat:DataService` records, a package type of their own
(`dataservice`), kept out of dataset counts and searches as bouquets are."""

DATASERVICE = "dataservice"
